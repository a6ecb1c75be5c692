using System.Text;
using Docker.DotNet;

namespace IpyBox.AI;

/// <summary>
/// The standard output of a command run with <c>docker exec</c>, as a read-only stream; what the command writes to
/// standard error is kept on the side (its first 16 KiB) for error messages.
/// </summary>
internal sealed class ExecOutputStream(MultiplexedStream inner) : ReadOnlyStream
{
    private const int MaxErrorBytes = 16 * 1024;
    private readonly MemoryStream _error = new();
    private readonly byte[] _chunk = new byte[81920];
    private bool _ended;

    /// <summary>Gets what the command wrote to standard error so far (its first 16 KiB).</summary>
    public string StandardError => Encoding.UTF8.GetString(_error.ToArray());

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || _ended)
        {
            return 0;
        }

        var chunk = _chunk;
        while (true)
        {
            var read = await inner.ReadOutputAsync(chunk, 0, Math.Min(buffer.Length, chunk.Length), cancellationToken).ConfigureAwait(false);
            if (read.EOF)
            {
                _ended = true;
                return 0;
            }

            if (read.Target == MultiplexedStream.TargetStream.StandardOut)
            {
                chunk.AsSpan(0, read.Count).CopyTo(buffer.Span);
                return read.Count;
            }

            var keep = Math.Min(read.Count, MaxErrorBytes - (int)_error.Length);
            if (keep > 0)
            {
                _error.Write(chunk, 0, keep);
            }
        }
    }

    /// <summary>Reads and drops the rest of the output, so the command's exit code is final.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
        {
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _error.Dispose();
        }

        base.Dispose(disposing);
    }
}
