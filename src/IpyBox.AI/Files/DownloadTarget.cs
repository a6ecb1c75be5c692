namespace IpyBox.AI;

/// <summary>
/// Where a download lands on the host, whatever the backend: a file is written under a temporary name next to its target
/// and moved into place when complete; a directory is filled in a staging directory next to its target and then moved
/// there, or merged into it when it exists. A failed or cancelled download leaves the target as it was.
/// </summary>
internal static class DownloadTarget
{
    /// <summary>Lets <paramref name="write"/> create a new file at the path it is given, then moves that file to <paramref name="localFile"/>.</summary>
    /// <param name="localFile">The full path of the target file; missing parent directories are created.</param>
    /// <param name="write">Writes the whole file at the temporary path it is given.</param>
    public static async Task WriteFileAsync(string localFile, Func<string, Task> write)
    {
        var directory = Path.GetDirectoryName(localFile)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(localFile)}.{Guid.NewGuid():N}.download");
        try
        {
            await write(temporary).ConfigureAwait(false);
            File.Move(temporary, localFile, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Lets <paramref name="fill"/> fill an empty staging directory, then moves or merges it into <paramref name="localDirectory"/>.</summary>
    /// <param name="localDirectory">The full path of the target directory.</param>
    /// <param name="fill">Writes the directory's contents into the staging directory it is given.</param>
    /// <exception cref="IOException"><paramref name="localDirectory"/> has no parent, or a file in one is a directory in the other.</exception>
    public static async Task WriteDirectoryAsync(string localDirectory, Func<string, Task> fill)
    {
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(localDirectory))
            ?? throw new IOException($"'{localDirectory}' has no parent directory.");
        Directory.CreateDirectory(parent);
        var staging = Directory.CreateDirectory(Path.Combine(parent, $".ipybox-download-{Guid.NewGuid():N}")).FullName;
        try
        {
            await fill(staging).ConfigureAwait(false);
            if (Directory.Exists(localDirectory))
            {
                MergeInto(staging, localDirectory);
            }
            else
            {
                Directory.Move(staging, localDirectory);
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Moves everything below <paramref name="source"/> into <paramref name="destination"/>, replacing files of the same name.</summary>
    /// <exception cref="IOException">A file in one is a directory in the other; nothing was moved.</exception>
    private static void MergeInto(string source, string destination)
    {
        var entries = Directory.EnumerateFileSystemEntries(source, "*", SearchOption.AllDirectories).ToList();
        foreach (var entry in entries)
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, entry));
            var isDirectory = Directory.Exists(entry);
            if (isDirectory ? File.Exists(target) : Directory.Exists(target))
            {
                throw new IOException($"'{target}' exists as a {(isDirectory ? "file" : "directory")} but the sandbox holds a {(isDirectory ? "directory" : "file")} there; nothing was changed.");
            }
        }

        foreach (var entry in entries)
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, entry));
            if (Directory.Exists(entry))
            {
                Directory.CreateDirectory(target);
            }
            else
            {
                File.Move(entry, target, overwrite: true);
            }
        }
    }
}
