using System.Buffers;

namespace IpyBox.AI;

/// <summary>Writes a downloaded file on the host: its bytes in large synchronous chunks, then its permission bits and time.</summary>
internal static class LocalFileWriter
{
    private const UnixFileMode PermissionBits =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="path"/> (a new file) with what <paramref name="content"/> yields, then applies <paramref name="mode"/> and <paramref name="modifiedUtc"/>.</summary>
    public static async Task WriteAsync(string path, Stream? content, UnixFileMode mode, DateTime modifiedUtc, CancellationToken cancellationToken)
    {
        // Written synchronously in large chunks: a local write rarely blocks long, and each asynchronous write costs
        // a thread-pool hop (see TransferBuffer).
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            if (content is not null)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(TransferBuffer.Size);
                try
                {
                    int read;
                    while ((read = await content.ReadAsync(buffer.AsMemory(0, TransferBuffer.Size), cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        file.Write(buffer, 0, read);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }

        if (!OperatingSystem.IsWindows())
        {
            // Permission bits only (no set-uid/gid or sticky), and always readable and writable by the owner.
            File.SetUnixFileMode(path, (mode & PermissionBits) | UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.SetLastWriteTimeUtc(path, modifiedUtc);
    }
}
