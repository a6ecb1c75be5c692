using System.Formats.Tar;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>
/// Writes archives that come from a container to the host, treating them as hostile: only regular files and
/// directories are written, every path is proven to stay inside the target, links and devices are skipped.
/// </summary>
internal static class ArchiveExtractor
{
    /// <summary>Copies the single regular file of <paramref name="archive"/> to <paramref name="destination"/> (a new file).</summary>
    /// <exception cref="InvalidDataException">The archive does not start with a regular file.</exception>
    public static async Task ExtractFileAsync(Stream archive, string destination, CancellationToken cancellationToken)
    {
        var reader = new TarReader(archive, leaveOpen: true);
        await using var readerScope = reader.ConfigureAwait(false);
        var entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException("The container sent an empty archive.");
        if (!IsRegularFile(entry.EntryType))
        {
            throw new InvalidDataException($"The container sent '{entry.Name}' as {entry.EntryType}, not as a regular file; nothing was written.");
        }

        await WriteFileAsync(entry, destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Extracts the directory archive <paramref name="archive"/> (entries named <c>root/...</c>) into the empty directory
    /// <paramref name="destination"/>, dropping the first name segment.
    /// </summary>
    /// <exception cref="InvalidDataException">An entry is absolute, contains <c>..</c> or lies outside the archive's root.</exception>
    public static async Task ExtractDirectoryAsync(Stream archive, string destination, ILogger logger, CancellationToken cancellationToken)
    {
        var reader = new TarReader(archive, leaveOpen: true);
        await using var readerScope = reader.ConfigureAwait(false);
        string? root = null;
        var written = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            // A name that is legal in the sandbox but not here (a\b.txt) is renamed, not a reason to refuse the rest.
            var name = ArchivePath.ToHostName(entry.Name);
            if (!ReferenceEquals(name, entry.Name))
            {
                Log.RenamedArchiveEntry(logger, entry.Name, name);
            }

            if (!ArchivePath.TrySplit(name, out var segments) || segments.Length == 0)
            {
                throw ArchivePath.Unsafe(entry.Name);
            }

            root ??= segments[0];
            if (!string.Equals(segments[0], root, StringComparison.Ordinal))
            {
                throw ArchivePath.Unsafe(entry.Name);
            }

            var relative = segments[1..];
            if (relative.Length == 0)
            {
                continue;
            }

            var target = ArchivePath.Resolve(destination, relative, entry.Name);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target);
                    break;
                case var type when IsRegularFile(type):
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await WriteFileAsync(entry, target, cancellationToken).ConfigureAwait(false);
                    written.Add(target);
                    break;
                case TarEntryType.HardLink:
                    // A second name of a file that is also in this archive: copy the file already written.
                    // Anything else (a link to a name outside the archive, or not yet written) is skipped.
                    var source = ArchivePath.TrySplit(ArchivePath.ToHostName(entry.LinkName), out var linkSegments) && linkSegments.Length > 1 && linkSegments[0] == root
                        ? ArchivePath.Resolve(destination, linkSegments[1..], entry.LinkName)
                        : null;
                    if (source is not null && written.Contains(source))
                    {
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        File.Copy(source, target, overwrite: true);
                        written.Add(target);
                    }
                    else
                    {
                        Log.SkippedArchiveEntry(logger, entry.Name, "hard link to " + entry.LinkName);
                    }

                    break;
                default:
                    Log.SkippedArchiveEntry(logger, entry.Name, entry.EntryType.ToString());
                    break;
            }
        }

        if (root is null)
        {
            throw new InvalidDataException("The container sent an empty archive.");
        }
    }

    private static bool IsRegularFile(TarEntryType type) =>
        type is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile;

    private static Task WriteFileAsync(TarEntry entry, string path, CancellationToken cancellationToken) =>
        LocalFileWriter.WriteAsync(path, entry.DataStream, entry.Mode, entry.ModificationTime.UtcDateTime, cancellationToken);
}
