using System.Formats.Tar;
using System.IO.Pipelines;

namespace IpyBox.AI;

/// <summary>
/// Streams a tar archive of local files into a pipe while the engine reads the other end, so a large file is never
/// held in memory. Every entry belongs to the kernel user (UID/GID 1000) so code in the sandbox can change it.
/// </summary>
internal sealed class UploadArchive
{
    private const UnixFileMode DirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly List<(string Name, string? LocalPath, TarEntryType Type)> _entries = [];

    /// <summary>Adds a directory entry.</summary>
    public void AddDirectory(string name) => _entries.Add((name, null, TarEntryType.Directory));

    /// <summary>Adds a regular file whose content is read from <paramref name="localPath"/> while streaming.</summary>
    public void AddFile(string name, string localPath) => _entries.Add((name, localPath, TarEntryType.RegularFile));

    /// <summary>Adds a local directory tree below <paramref name="prefix"/>; symbolic links are stored as links, never followed.</summary>
    public void AddTree(string prefix, string localDirectory)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var info in new DirectoryInfo(localDirectory).EnumerateFileSystemInfos("*", options).OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            var name = prefix.Length == 0 ? info.Name : $"{prefix}/{info.Name}";
            if (info.LinkTarget is { } linkTarget)
            {
                _entries.Add((name, linkTarget, TarEntryType.SymbolicLink));
            }
            else if (info is DirectoryInfo directory)
            {
                AddDirectory(name);
                AddTree(name, directory.FullName);
            }
            else if (info is FileInfo file)
            {
                AddFile(name, file.FullName);
            }
        }
    }

    /// <summary>Writes the archive to <paramref name="writer"/> and completes it (with the error, if any).</summary>
    public async Task WriteAsync(PipeWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            var stream = writer.AsStream(leaveOpen: true);
            await using (stream.ConfigureAwait(false))
            {
                var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
                await using (tar.ConfigureAwait(false))
                {
                    foreach (var (name, localPath, type) in _entries)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        await WriteEntryAsync(tar, name, localPath, type, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await writer.CompleteAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task WriteEntryAsync(TarWriter tar, string name, string? localPath, TarEntryType type, CancellationToken cancellationToken)
    {
        var entry = new PaxTarEntry(type, name)
        {
            Uid = HostDirectory.KernelUserId,
            Gid = HostDirectory.KernelUserId,
            Mode = type == TarEntryType.Directory ? DirectoryMode : FileMode,
            ModificationTime = DateTimeOffset.UtcNow,
        };

        if (type == TarEntryType.SymbolicLink)
        {
            entry.LinkName = localPath!;
            await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (type != TarEntryType.RegularFile)
        {
            await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            return;
        }

        var file = new LocalFileReadStream(localPath!);
        await using (file.ConfigureAwait(false))
        {
            entry.ModificationTime = File.GetLastWriteTimeUtc(localPath!);
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(localPath!) & UnixFileMode.UserExecute) != 0)
            {
                entry.Mode = DirectoryMode;
            }

            entry.DataStream = file;
            await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }
}
