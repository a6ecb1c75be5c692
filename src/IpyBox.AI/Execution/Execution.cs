using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace IpyBox.AI;

/// <summary>
/// A submitted execution. Stream its output with <see cref="StreamAsync"/> (text) or <see cref="StreamEventsAsync"/>
/// (typed events) while it runs, then get the aggregated result with <see cref="GetResultAsync"/> (immediate once the
/// stream was consumed).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The timeout source is disposed when the execution completes.")]
public sealed partial class Execution
{
    private readonly OutputCollector _collector;
    private readonly int _maxOutputLength;
    private readonly Func<TimeoutException, Task<Exception>>? _restart;
    private readonly Channel<string> _chunks = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly TaskCompletionSource<ExecutionResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<string, Task> _interrupt;
    private readonly TimeSpan _interruptGracePeriod;
    private readonly CancellationTokenSource _timeout;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Exception? _abortReason;
    private long _queuedChars;
    private long _droppedChars;

    /// <summary>Initializes a new instance of the <see cref="Execution"/> class.</summary>
    /// <param name="id">The id of the execute request.</param>
    /// <param name="timeout">The time limit, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    /// <param name="interruptGracePeriod">How long an interrupted execution may take to stop.</param>
    /// <param name="interrupt">Interrupts the kernel, with the reason.</param>
    /// <param name="timeProvider">The clock of the timeout.</param>
    /// <param name="maxOutputLength">The most characters held for the result, and queued for a stream reader that is behind.</param>
    /// <param name="restart">Restarts a kernel that ignored the interrupt after a timeout; returns what the execution ends with. <see langword="null"/> to leave it busy.</param>
    internal Execution(
        string id,
        TimeSpan timeout,
        TimeSpan interruptGracePeriod,
        Func<string, Task> interrupt,
        TimeProvider timeProvider,
        int maxOutputLength = ExecutionClientOptions.DefaultMaxOutputLength,
        Func<TimeoutException, Task<Exception>>? restart = null)
    {
        Id = id;
        _collector = new OutputCollector(maxOutputLength, Publish);
        _maxOutputLength = maxOutputLength;
        _restart = restart;
        _interrupt = interrupt;
        _interruptGracePeriod = interruptGracePeriod;
        _time = timeProvider;
        _timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            _timeout.Token.Register(() => _ = AbortAsync(new ExecutionTimeoutException(
                $"The execution did not finish within {timeout.TotalSeconds:0.###} s. The kernel was interrupted; its state is kept.")));
            _timeout.CancelAfter(timeout);
            _deadline = timeProvider.GetUtcNow() + timeout;
        }

        _completion.Task.ContinueWith(_ => _timeout.Dispose(), TaskScheduler.Default);
    }

    /// <summary>Sets the result's <see cref="ExecutionResult.Notice"/>; called before the execution is tracked, so before any output arrives.</summary>
    internal void SetNotice(string notice) => _collector.Notice = notice;

    /// <summary>
    /// Creates an execution that has already finished with <paramref name="result"/>. Backends that talk to a kernel get
    /// their executions from <see cref="ExecutionClient"/>; this is for sandboxes that produce a result by other means
    /// (a custom <see cref="ISandbox"/>, a test double).
    /// </summary>
    /// <param name="result">The result.</param>
    /// <param name="id">The id of the execution; <see langword="null"/> for a new unique id.</param>
    /// <returns>
    /// A completed execution: <see cref="GetResultAsync"/> returns <paramref name="result"/>, <see cref="StreamAsync"/>
    /// yields <see cref="ExecutionResult.Text"/> as one chunk (nothing when it is <see langword="null"/>), and
    /// <see cref="StreamEventsAsync"/> yields the result's parts: stdout, stderr, a display event per image and rich output,
    /// and, when the result has text but no stream output, that text as the <see cref="ExecuteResultEvent"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is <see langword="null"/>.</exception>
    public static Execution FromResult(ExecutionResult result, string? id = null)
    {
        Throw.IfNull(result);
        var execution = Completed(id);
        if (result.Text is { } text)
        {
            execution._chunks.Writer.TryWrite(text);
        }

        lock (execution._gate)
        {
            foreach (var output in EventsOf(result))
            {
                execution.Publish(output);
            }

            execution._chunks.Writer.TryComplete();
            execution.EndObservers(error: null, result.ExecutionCount);
            execution.CompleteEvents();
            execution._completion.TrySetResult(result);
        }

        return execution;
    }

    /// <summary>
    /// Creates an execution that has already failed with <paramref name="error"/>, e.g. an <see cref="ExecutionException"/>
    /// or a <see cref="TimeoutException"/>. Like <see cref="FromResult"/>, this is for custom sandboxes and test doubles.
    /// </summary>
    /// <param name="error">The error that <see cref="GetResultAsync"/> and <see cref="StreamAsync"/> throw.</param>
    /// <param name="id">The id of the execution; <see langword="null"/> for a new unique id.</param>
    /// <returns>
    /// A completed, failed execution. For an <see cref="ExecutionException"/>, <see cref="StreamEventsAsync"/> yields the parts of
    /// its <see cref="ExecutionException.Result"/> (as <see cref="FromResult"/> does) and then the <see cref="ExecutionErrorEvent"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="error"/> is <see langword="null"/>.</exception>
    public static Execution FromException(Exception error, string? id = null)
    {
        Throw.IfNull(error);
        var execution = Completed(id);
        lock (execution._gate)
        {
            if (error is ExecutionException { Result: { } partial })
            {
                foreach (var output in EventsOf(partial))
                {
                    execution.Publish(output);
                }
            }

            execution.Finish(error);
        }

        return execution;
    }

    /// <summary>Gets the id of the execute request.</summary>
    public string Id { get; }

    /// <summary>Gets a value indicating whether the execution has finished (successfully or not).</summary>
    public bool IsCompleted => _completion.Task.IsCompleted;

    /// <summary>Gets the completion task, for the owning client.</summary>
    internal Task Completion => _completion.Task;

    /// <summary>Streams the text output (stdout, stderr, <c>text/plain</c> results) as the kernel produces it.</summary>
    /// <param name="cancellationToken">Cancels the execution: the kernel is interrupted.</param>
    /// <returns>The text chunks in order. Ends when the execution ends; throws what <see cref="GetResultAsync"/> throws.</returns>
    /// <exception cref="ExecutionException">The code raised a Python exception.</exception>
    /// <exception cref="ExecutionTimeoutException">The execution timed out; the kernel was interrupted, or restarted when the code ignored the interrupt.</exception>
    /// <exception cref="OperationCanceledException">The execution was cancelled; the kernel was interrupted.</exception>
    /// <exception cref="KernelUnavailableException">The connection to the kernel was lost.</exception>
    public async IAsyncEnumerable<string> StreamAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var registration = RegisterCancellation(cancellationToken);
        while (await _chunks.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (_chunks.Reader.TryRead(out var chunk))
            {
                Interlocked.Add(ref _queuedChars, -chunk.Length);
                yield return chunk;
            }
        }
    }

    /// <summary>Waits for the execution to finish and returns what it produced.</summary>
    /// <param name="cancellationToken">Cancels the execution: the kernel is interrupted.</param>
    /// <returns>The aggregated result.</returns>
    /// <exception cref="ExecutionException">The code raised a Python exception.</exception>
    /// <exception cref="ExecutionTimeoutException">The execution timed out; the kernel was interrupted, or restarted when the code ignored the interrupt.</exception>
    /// <exception cref="OperationCanceledException">The execution was cancelled; the kernel was interrupted.</exception>
    /// <exception cref="KernelUnavailableException">The connection to the kernel was lost.</exception>
    /// <exception cref="KernelDiedException">The kernel process died; the server restarted it and its state is lost.</exception>
    public async Task<ExecutionResult> GetResultAsync(CancellationToken cancellationToken = default)
    {
        using var registration = RegisterCancellation(cancellationToken);
        return await _completion.Task.ConfigureAwait(false);
    }

    /// <summary>Takes a message that belongs to this execution.</summary>
    internal void Accept(JupyterMessage message)
    {
        lock (_gate)
        {
            if (_completion.Task.IsCompleted)
            {
                return;
            }

            if (_collector.Accept(message) is { } chunk)
            {
                Queue(chunk);
            }

            if (_collector.IsComplete)
            {
                Finish(_abortReason ?? _collector.ToException());
            }
        }
    }

    /// <summary>Takes the news that output of this execution was dropped before it could be read: the result, the text stream and the events get <paramref name="marker"/>.</summary>
    /// <param name="marker">What was dropped and which option raises the limit.</param>
    /// <param name="limitOption">The option that raises the limit, or <see langword="null"/>.</param>
    internal void AcceptDropped(string marker, string? limitOption)
    {
        lock (_gate)
        {
            if (!_completion.Task.IsCompleted)
            {
                Queue(_collector.AcceptDropped(marker, limitOption));
            }
        }
    }

    /// <summary>Ends the execution with an error (connection lost, client disposed).</summary>
    internal void Fail(Exception error)
    {
        lock (_gate)
        {
            if (!_completion.Task.IsCompleted)
            {
                Finish(error);
            }
        }
    }

    /// <summary>
    /// Interrupts the kernel and ends the execution with <paramref name="reason"/>; kernel state survives. A timed-out execution
    /// still running after the grace period has its kernel restarted when the client allows it, and ends with what the restart says.
    /// </summary>
    internal async Task AbortAsync(Exception reason)
    {
        lock (_gate)
        {
            if (_completion.Task.IsCompleted || _abortReason is not null)
            {
                return;
            }

            _abortReason = reason;
        }

        try
        {
            await _interrupt(reason.Message).ConfigureAwait(false);
            // Let the interrupted request end properly so the next one starts on a quiet kernel.
            await _completion.Task.WaitAsync(_interruptGracePeriod, _time).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The interrupt failed or the kernel did not stop in time; end the call anyway.
        }

        if (!_completion.Task.IsCompleted && reason is TimeoutException timeout && _restart is not null)
        {
            // The code ignored the interrupt: the kernel would stay busy and every later execution time out.
            reason = await _restart(timeout).ConfigureAwait(false);
        }

        Fail(reason);
    }

    private static Execution Completed(string? id) =>
        new(id ?? Guid.NewGuid().ToString("N"), Timeout.InfiniteTimeSpan, TimeSpan.Zero, static _ => Task.CompletedTask, TimeProvider.System);

    private CancellationTokenRegistration RegisterCancellation(CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled
            ? cancellationToken.Register(() => _ = AbortAsync(new OperationCanceledException("The execution was cancelled. The kernel was interrupted; its state is kept.", null, cancellationToken)))
            : default;

    /// <summary>Queues a chunk for the stream; beyond the limit of unread characters chunks are dropped and a marker says how much.</summary>
    private void Queue(string chunk)
    {
        if (Interlocked.Read(ref _queuedChars) + chunk.Length > _maxOutputLength)
        {
            _droppedChars += chunk.Length;
            return;
        }

        if (_droppedChars > 0)
        {
            var marker = DroppedChunksMarker();
            _droppedChars = 0;
            Interlocked.Add(ref _queuedChars, marker.Length);
            _chunks.Writer.TryWrite(marker);
        }

        Interlocked.Add(ref _queuedChars, chunk.Length);
        _chunks.Writer.TryWrite(chunk);
    }

    private string DroppedChunksMarker() =>
        $"\n[... {_droppedChars} characters of streamed output dropped: the stream was not read fast enough (ExecutionClientOptions.MaxOutputLength) ...]\n";

    /// <summary>
    /// Completes the execution, then its stream and events: a reader whose stream ended (or threw) always finds
    /// <see cref="IsCompleted"/> set. Streams ending first let a reader on another thread see the end while the execution
    /// still counted as running (<c>ipybox run --notebook</c> then skipped the notebook of a failed cell).
    /// </summary>
    private void Finish(Exception? error)
    {
        if (error is null)
        {
            var result = _collector.ToResult();
            EndObservers(error: null, result.ExecutionCount);
            _completion.TrySetResult(result);
            if (_droppedChars > 0)
            {
                _chunks.Writer.TryWrite(DroppedChunksMarker());
            }

            _chunks.Writer.TryComplete();
        }
        else
        {
            EndObservers(error, (error as ExecutionException)?.Result?.ExecutionCount);
            _completion.TrySetException(error);
            _chunks.Writer.TryComplete(error);
        }

        CompleteEvents();
    }
}
