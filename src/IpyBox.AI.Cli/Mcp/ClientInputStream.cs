namespace IpyBox.AI.Cli.Mcp;

/// <summary>
/// The server's standard input, which the client writes its messages to: reads can be cancelled (a console read cannot),
/// and <see cref="Closed"/> fires when the client closes it. The server stops then, cancelling the calls in flight, instead
/// of waiting for them to end on their own while the sandbox keeps running code nobody will read.
/// </summary>
internal sealed class ClientInputStream(Stream input) : Stream
{
    private readonly CancellationTokenSource _closed = new();

    /// <summary>Gets a token that is cancelled when the client has closed its end of the stream.</summary>
    public CancellationToken Closed => _closed.Token;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await input.ReadAsync(buffer, cancellationToken).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        if (read == 0 && buffer.Length > 0)
        {
            await _closed.CancelAsync().ConfigureAwait(false);
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            input.Dispose();
            _closed.Dispose();
        }

        base.Dispose(disposing);
    }
}
