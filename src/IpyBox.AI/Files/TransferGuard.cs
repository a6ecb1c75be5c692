namespace IpyBox.AI;

/// <summary>
/// Holds one transfer from a sandbox to its <see cref="TransferLimits"/>: a token that ends when no byte arrived for the
/// idle timeout, when the whole transfer took too long, or when the caller cancels; streams watched through it count their
/// bytes against the size limit and are disposed the moment the token ends, so a read that ignores its token ends too.
/// </summary>
/// <remarks>
/// The idle bound catches a transfer that stalls (a FIFO nobody writes, a server that never answers); the total bound
/// catches one that trickles (a byte now and then keeps the idle bound quiet); the size bound catches one that floods.
/// </remarks>
internal sealed class TransferGuard : IDisposable
{
    private readonly string _path;
    private readonly TransferLimits _limits;
    private readonly CancellationToken _caller;
    private readonly CancellationTokenSource _idle;
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource _stop;
    private long _received;

    /// <summary>Initializes a new instance of the <see cref="TransferGuard"/> class; its clocks start now.</summary>
    /// <param name="path">The path in the sandbox, for error messages.</param>
    /// <param name="limits">The bounds.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public TransferGuard(string path, TransferLimits limits, CancellationToken cancellationToken)
    {
        _path = path;
        _limits = Throw.IfNull(limits);
        _caller = cancellationToken;
        _idle = new CancellationTokenSource(Timer(limits.IdleTimeout), limits.TimeProvider);
        _deadline = new CancellationTokenSource(Timer(limits.Timeout), limits.TimeProvider);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _idle.Token, _deadline.Token);
    }

    /// <summary>Gets the token that ends the transfer: idle, past its time, or cancelled by the caller.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Gets the number of bytes that arrived through watched streams.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Returns <paramref name="source"/> read under this guard; disposing the result disposes <paramref name="source"/>.</summary>
    public Stream Watch(Stream source) => new GuardedReadStream(source, this);

    /// <summary>Runs <paramref name="transfer"/> with <see cref="Token"/> and turns the end of a bound into its error.</summary>
    /// <exception cref="FileTransferTimeoutException">A time bound was reached.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task RunAsync(Func<CancellationToken, Task> transfer) =>
        await RunAsync(async token =>
        {
            await transfer(token).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    /// <inheritdoc cref="RunAsync(Func{CancellationToken, Task})"/>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> transfer)
    {
        try
        {
            return await transfer(Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not FileTransferTimeoutException && Token.IsCancellationRequested)
        {
            // Whatever the stopped read threw (a cancellation, or the error of a stream disposed under it), say why it stopped.
            if (_caller.IsCancellationRequested)
            {
                throw ex as OperationCanceledException ?? new OperationCanceledException($"The transfer of {_path} was cancelled.", ex, _caller);
            }

            throw _limits.TimedOut(_path, idle: !_deadline.IsCancellationRequested, ex);
        }
    }

    /// <summary>Counts <paramref name="count"/> bytes that arrived and restarts the idle clock.</summary>
    /// <exception cref="IOException">More bytes arrived than the size limit allows.</exception>
    internal void Advance(int count)
    {
        if (count <= 0)
        {
            return;
        }

        var total = Interlocked.Add(ref _received, count);
        if (_limits.MaxBytes is { } max && total > max)
        {
            throw _limits.TooLarge(_path, size: null);
        }

        _idle.CancelAfter(Timer(_limits.IdleTimeout));
    }

    /// <summary>A bound as a timer takes it: beyond what a timer can wait (about 49 days), no bound.</summary>
    private static TimeSpan Timer(TimeSpan bound) => bound > TimeSpan.FromDays(49) ? System.Threading.Timeout.InfiniteTimeSpan : bound;

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Dispose();
        _idle.Dispose();
        _deadline.Dispose();
    }
}
