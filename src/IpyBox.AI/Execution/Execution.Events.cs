using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace IpyBox.AI;

/// <summary>The typed events of an execution: kept in order, replayed to each reader of <see cref="StreamEventsAsync"/> and to observers.</summary>
public sealed partial class Execution
{
    private readonly List<ExecutionEvent> _events = [];
    private readonly List<ChannelWriter<ExecutionEvent>> _eventSubscribers = [];
    private readonly List<IExecutionObserver> _observers = [];
    private int? _executionCount;
    private Exception? _endError;
    private long _eventSize;
    private long _eventsDropped;

    /// <summary>
    /// Streams what the execution produces as typed events, in the order the kernel sent them: stdout and stderr text,
    /// displayed outputs (plots decoded like <see cref="ExecutionResult.Images"/>, HTML, markdown, JSON), the value of the
    /// last expression, and the error of a Python exception. Each call streams every event from the first one, so several
    /// readers (a chat UI and a recorder, say) can follow the same execution.
    /// </summary>
    /// <param name="cancellationToken">Cancels the execution: the kernel is interrupted.</param>
    /// <returns>
    /// The events in order. A Python exception arrives as an <see cref="ExecutionErrorEvent"/>, the last event, and the
    /// stream then ends normally (<see cref="GetResultAsync"/> still throws the <see cref="ExecutionException"/>).
    /// </returns>
    /// <exception cref="ExecutionTimeoutException">The execution timed out; the kernel was interrupted (or restarted). Thrown after the events that arrived before.</exception>
    /// <exception cref="OperationCanceledException">The execution was cancelled; the kernel was interrupted.</exception>
    /// <exception cref="KernelUnavailableException">The connection to the kernel was lost.</exception>
    /// <exception cref="KernelDiedException">The kernel process died; the server restarted it and its state is lost.</exception>
    public async IAsyncEnumerable<ExecutionEvent> StreamEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var registration = RegisterCancellation(cancellationToken);
        var events = SubscribeToEvents();
        while (await events.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (events.TryRead(out var output))
            {
                yield return output;
            }
        }
    }

    /// <summary>Adds an observer: it takes every event so far at once, then each new one, then the end, all under the execution's lock.</summary>
    internal void Observe(IExecutionObserver observer)
    {
        lock (_gate)
        {
            foreach (var output in _events)
            {
                observer.OnEvent(output);
            }

            if (_completion.Task.IsCompleted)
            {
                observer.OnCompleted(_executionCount, _endError);
            }
            else
            {
                _observers.Add(observer);
            }
        }
    }

    /// <summary>The events a finished result stands for, for executions that did not come from a kernel.</summary>
    private static IEnumerable<ExecutionEvent> EventsOf(ExecutionResult result)
    {
        if (result.Stdout.Length > 0)
        {
            yield return new StreamOutputEvent(OutputStreamName.Stdout, result.Stdout);
        }

        if (result.Stderr.Length > 0)
        {
            yield return new StreamOutputEvent(OutputStreamName.Stderr, result.Stderr);
        }

        foreach (var image in result.Images)
        {
            yield return new DisplayDataEvent(image, [], PlainText: null);
        }

        foreach (var rich in result.RichOutputs)
        {
            yield return new DisplayDataEvent(Image: null, [rich], PlainText: null);
        }

        if (result is { Text: { } text, Stdout.Length: 0, Stderr.Length: 0 })
        {
            yield return new ExecuteResultEvent(Image: null, [], text, result.ExecutionCount);
        }
    }

    /// <summary>How the typed stream ends: a Python exception is one of its events, so only other failures are thrown.</summary>
    private Exception? StreamError => _endError is ExecutionException ? null : _endError;

    /// <summary>
    /// Records an event and passes it to the readers of the typed stream, within the execution's output limit
    /// (<see cref="ExecutionClientOptions.MaxOutputLength"/>, counted in characters and image bytes): beyond it, output
    /// events are dropped and one marker says so; errors always pass. Called under <see cref="_gate"/>.
    /// </summary>
    private void Publish(ExecutionEvent output)
    {
        if (output is not ExecutionErrorEvent and not ClearOutputEvent)
        {
            var size = SizeOf(output);
            if (_eventSize + size > _maxOutputLength)
            {
                if (_eventsDropped++ == 0)
                {
                    Deliver(new OutputDroppedEvent(
                        "[... further output dropped: the execution's output exceeded the client's limit (ExecutionClientOptions.MaxOutputLength) ...]",
                        "ExecutionClientOptions.MaxOutputLength"));
                }

                return;
            }

            _eventSize += size;
        }

        Deliver(output);
    }

    private static long SizeOf(ExecutionEvent output) => output switch
    {
        StreamOutputEvent stream => stream.Text.Length,
        OutputDroppedEvent dropped => dropped.Message.Length,
        MimeOutputEvent mime => (mime.Image?.Data.Length ?? 0) + (mime.PlainText?.Length ?? 0) + mime.RichOutputs.Sum(r => (long)r.Content.Length),
        _ => 0,
    };

    private void Deliver(ExecutionEvent output)
    {
        _events.Add(output);
        foreach (var subscriber in _eventSubscribers)
        {
            subscriber.TryWrite(output);
        }

        foreach (var observer in _observers)
        {
            observer.OnEvent(output);
        }
    }

    /// <summary>
    /// Tells the observers that the execution ended (after the error event of a Python exception, which is one of the events),
    /// before the caller awaiting the result resumes: a notebook recorder has the cell's end when the caller exports right after.
    /// Called under <see cref="_gate"/>.
    /// </summary>
    private void EndObservers(Exception? error, int? executionCount)
    {
        if (error is ExecutionException python && !_events.Exists(e => e is ExecutionErrorEvent))
        {
            Publish(new ExecutionErrorEvent(python.ErrorName, python.ErrorValue, python.Trace));
        }

        _executionCount = executionCount;
        _endError = error;
        foreach (var observer in _observers)
        {
            observer.OnCompleted(executionCount, error);
        }

        _observers.Clear();
    }

    /// <summary>Ends the typed stream, after the execution counts as completed. Called under <see cref="_gate"/>.</summary>
    private void CompleteEvents()
    {
        foreach (var subscriber in _eventSubscribers)
        {
            subscriber.TryComplete(StreamError);
        }

        _eventSubscribers.Clear();
    }

    /// <summary>Opens a reader that gets every event so far, then the ones still to come.</summary>
    private ChannelReader<ExecutionEvent> SubscribeToEvents()
    {
        var channel = Channel.CreateUnbounded<ExecutionEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        lock (_gate)
        {
            foreach (var output in _events)
            {
                channel.Writer.TryWrite(output);
            }

            if (_completion.Task.IsCompleted)
            {
                channel.Writer.TryComplete(StreamError);
            }
            else
            {
                _eventSubscribers.Add(channel.Writer);
            }
        }

        return channel.Reader;
    }
}
