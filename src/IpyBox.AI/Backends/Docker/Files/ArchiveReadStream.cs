namespace IpyBox.AI;

/// <summary>
/// A read-only view of the engine's archive response that answers zero-length reads itself. The tar reader asks
/// for zero bytes at the end of each entry, and the Docker client's chunked-transfer stream treats such a read as
/// an unexpected end of the stream.
/// </summary>
internal sealed class ArchiveReadStream(Stream inner) : ReadOnlyStream
{
    public override int Read(byte[] buffer, int offset, int count) =>
        count == 0 ? 0 : inner.Read(buffer, offset, count);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        count == 0 ? Task.FromResult(0) : inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        buffer.IsEmpty ? ValueTask.FromResult(0) : inner.ReadAsync(buffer, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
