using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;

namespace IpyBox.AI;

/// <summary>
/// The body of a Contents API upload, <c>{"type":"file","format":"base64","content":"..."}</c>, encoded from the local file
/// while it is sent: memory stays at two small buffers whatever the file's size, and the length is known up front.
/// </summary>
internal sealed class Base64FileContent : HttpContent
{
    private const int BlockBytes = 48 * 1024; // A multiple of 3: blocks encode without padding.

    private static readonly byte[] s_prefix = "{\"type\":\"file\",\"format\":\"base64\",\"content\":\""u8.ToArray();
    private static readonly byte[] s_suffix = "\"}"u8.ToArray();

    private readonly string _localPath;
    private readonly long _length;

    public Base64FileContent(string localPath, long length)
    {
        _localPath = localPath;
        _length = length;
        Headers.ContentType = new MediaTypeHeaderValue("application/json");
    }

    /// <summary>Gets the error that reading the local file raised, if it did (the HTTP stack wraps it).</summary>
    public IOException? ReadError { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var input = new byte[BlockBytes];
        var output = new byte[BlockBytes / 3 * 4];
        await stream.WriteAsync(s_prefix, cancellationToken).ConfigureAwait(false);
        var file = OpenLocal();
        await using (file.ConfigureAwait(false))
        {
            var remaining = _length;
            while (remaining > 0)
            {
                var wanted = (int)Math.Min(BlockBytes, remaining);
                var read = await ReadLocalAsync(file, input.AsMemory(0, wanted), cancellationToken).ConfigureAwait(false);
                if (read < wanted)
                {
                    throw Fail(new IOException($"'{_localPath}' became shorter while it was uploaded; upload it again once it is complete."));
                }

                remaining -= read;
                Base64.EncodeToUtf8(input.AsSpan(0, read), output, out _, out var encoded, isFinalBlock: remaining == 0);
                await stream.WriteAsync(output.AsMemory(0, encoded), cancellationToken).ConfigureAwait(false);
            }

            if (await ReadLocalAsync(file, input.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) != 0)
            {
                throw Fail(new IOException($"'{_localPath}' grew while it was uploaded; upload it again once it is complete."));
            }
        }

        await stream.WriteAsync(s_suffix, cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = s_prefix.Length + EncodedLength(_length) + s_suffix.Length;
        return true;
    }

    /// <summary>Returns the length of the base64 form of <paramref name="bytes"/> bytes, padding included.</summary>
    internal static long EncodedLength(long bytes) => (bytes + 2) / 3 * 4;

    private FileStream OpenLocal()
    {
        try
        {
            return new FileStream(_localPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Fail(new IOException($"Could not read the local file '{_localPath}': {ex.Message}", ex));
        }
    }

    private async Task<int> ReadLocalAsync(FileStream file, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw Fail(new IOException($"Could not read the local file '{_localPath}': {ex.Message}", ex));
        }
    }

    private IOException Fail(IOException error)
    {
        ReadError = error;
        return error;
    }
}
