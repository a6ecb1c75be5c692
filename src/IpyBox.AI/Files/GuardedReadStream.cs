namespace IpyBox.AI;

/// <summary>
/// A stream from a sandbox read under a <see cref="TransferGuard"/>: every read counts against its size limit and restarts
/// its idle clock, and the source is disposed the moment the guard's token ends, which ends a read that ignores its token.
/// </summary>
internal sealed class GuardedReadStream : ReadOnlyStream
{
    private readonly Stream _source;
    private readonly TransferGuard _guard;
    private readonly CancellationTokenRegistration _stop;

    public GuardedReadStream(Stream source, TransferGuard guard)
    {
        _source = Throw.IfNull(source);
        _guard = guard;
        _stop = guard.Token.Register(static s => ((Stream)s!).Dispose(), source);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        _guard.Token.ThrowIfCancellationRequested();
        var read = buffer.IsEmpty ? 0 : _source.Read(buffer);
        _guard.Advance(read);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Zero-length reads are answered here: some sources (the engine client's chunked stream) take one for the end.
        if (buffer.IsEmpty)
        {
            return 0;
        }

        int read;
        if (!cancellationToken.CanBeCanceled || cancellationToken == _guard.Token)
        {
            read = await _source.ReadAsync(buffer, _guard.Token).ConfigureAwait(false);
        }
        else
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _guard.Token);
            read = await _source.ReadAsync(buffer, both.Token).ConfigureAwait(false);
        }

        _guard.Advance(read);
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Dispose();
            _source.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.DisposeAsync().ConfigureAwait(false);
        await _source.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
