using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>
/// The files of a sandbox on a Jupyter server, through its Contents API. Paths are relative to the server's root, which the
/// runtime image sets to <c>/app</c>, so the same relative path names the same file as with the Docker backend.
/// </summary>
/// <remarks>
/// <para>
/// The API moves one file per request, base64-encoded in a JSON body, and directories entry by entry; files larger than
/// <see cref="JupyterServerOptions.MaxFileBytes"/> are refused. Uploads stream from the local file; a download holds the
/// response (about 1.4 times the file) while it is decoded into a temporary file.
/// </para>
/// <para>
/// The server follows symbolic links and does not say which entries are links. Downloads therefore check what arrives:
/// a file whose content differs in length from the size the server reports for the entry (its <c>lstat</c> size, which for
/// a link is the length of the target path) is a link or changed while being read, and is refused (a single file) or
/// skipped (in a directory). Only regular files and directories are written, under names checked to stay inside the target;
/// a directory download is staged next to its target and moved into place when complete. A link to a directory cannot be
/// told from a directory: it is walked, at most <see cref="JupyterServerOptions.MaxDirectoryEntries"/> entries in all.
/// </para>
/// <para>
/// What the API cannot do is refused with a <see cref="NotSupportedException"/>: uploading a symbolic link or special file,
/// files above the size limit. The server itself refuses hidden paths (names starting with a dot) unless its
/// <c>ContentsManager.allow_hidden</c> is set, as the runtime image does.
/// </para>
/// </remarks>
internal sealed class ContentsApiFiles : ISandboxFiles
{
    private static readonly EnumerationOptions s_everything = new() { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = false };

    private readonly JupyterServerApi _api;
    private readonly JupyterServerOptions _options;
    private readonly ILogger _logger;

    public ContentsApiFiles(JupyterServerApi api, JupyterServerOptions options, ILogger logger)
    {
        _api = api;
        _options = options;
        _logger = logger;
    }

    public async Task UploadFileAsync(string localPath, string relativePath, CancellationToken cancellationToken = default)
    {
        Throw.IfNullOrWhiteSpace(localPath);
        var path = NormalizeNonEmpty(relativePath, "a file");
        var local = Path.GetFullPath(localPath);
        if (Directory.Exists(local))
        {
            throw new IOException($"'{localPath}' is a directory; use UploadDirectoryAsync for directories.");
        }

        var file = new FileInfo(local);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"The local file '{localPath}' does not exist.", localPath);
        }

        ThrowIfTooLarge(file.Length, localPath);
        if (await _api.GetEntryAsync(path, cancellationToken).ConfigureAwait(false) is { IsDirectory: true })
        {
            throw new IOException($"/app/{path} is a directory in the sandbox; give a file path.");
        }

        await EnsureDirectoryAsync(Parent(path), cancellationToken).ConfigureAwait(false);
        Log.Uploading(_logger, local, path);
        await _api.UploadAsync(path, local, file.Length, cancellationToken).ConfigureAwait(false);
    }

    public async Task UploadDirectoryAsync(string localPath, string relativePath, CancellationToken cancellationToken = default)
    {
        Throw.IfNullOrWhiteSpace(localPath);
        var path = AppPath.Normalize(relativePath);
        var local = Path.GetFullPath(localPath);
        if (File.Exists(local))
        {
            throw new IOException($"'{localPath}' is a file; use UploadFileAsync for files.");
        }

        if (!Directory.Exists(local))
        {
            throw new DirectoryNotFoundException($"The local directory '{localPath}' does not exist.");
        }

        // Everything the API cannot carry is found before anything is sent.
        var plan = PlanUpload(new DirectoryInfo(local), path);
        await EnsureDirectoryAsync(path, cancellationToken).ConfigureAwait(false);
        Log.Uploading(_logger, local, path);
        foreach (var (source, target) in plan)
        {
            if (source is FileInfo file)
            {
                await _api.UploadAsync(target, file.FullName, file.Length, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await EnsureDirectoryAsync(target, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task DownloadFileAsync(string relativePath, string localPath, CancellationToken cancellationToken = default)
    {
        Throw.IfNullOrWhiteSpace(localPath);
        var path = AppPath.Normalize(relativePath);
        var local = Path.GetFullPath(localPath);
        if (Directory.Exists(local))
        {
            throw new IOException($"'{localPath}' is a directory; give the path of the file to write.");
        }

        var entry = await _api.GetEntryAsync(path, cancellationToken).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"/app/{path} does not exist in the sandbox.", $"/app/{path}");
        if (!entry.IsFile)
        {
            throw new IOException($"{Describe(path)} is a directory in the sandbox; use DownloadDirectoryAsync for directories.");
        }

        ThrowIfTooLarge(entry.Size ?? 0, $"/app/{path}");
        Log.Downloading(_logger, path, local);
        await DownloadTarget.WriteFileAsync(local, async temporary =>
        {
            if (await DownloadToAsync(path, temporary, cancellationToken).ConfigureAwait(false) is { } failure)
            {
                throw new IOException($"/app/{path} {failure}; it is not downloaded.");
            }
        }).ConfigureAwait(false);
    }

    public async Task DownloadDirectoryAsync(string relativePath, string localPath, CancellationToken cancellationToken = default)
    {
        Throw.IfNullOrWhiteSpace(localPath);
        var path = AppPath.Normalize(relativePath);
        var local = Path.GetFullPath(localPath);
        if (File.Exists(local))
        {
            throw new IOException($"'{localPath}' is a file; give the path of a directory.");
        }

        var entry = await _api.GetEntryAsync(path, cancellationToken).ConfigureAwait(false)
            ?? throw new DirectoryNotFoundException($"{Describe(path)} does not exist in the sandbox.");
        if (!entry.IsDirectory)
        {
            throw new IOException($"{Describe(path)} is a file in the sandbox; use DownloadFileAsync for files.");
        }

        Log.Downloading(_logger, path, local);
        await DownloadTarget.WriteDirectoryAsync(local, staging => DownloadTreeAsync(path, staging, cancellationToken)).ConfigureAwait(false);
    }

    public async Task DeleteFileAsync(string relativePath, CancellationToken cancellationToken = default)
    {
        var path = NormalizeNonEmpty(relativePath, "a file");
        var entry = await _api.GetEntryAsync(path, cancellationToken).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"/app/{path} does not exist in the sandbox.", $"/app/{path}");
        if (entry.IsDirectory)
        {
            throw new IOException($"/app/{path} is a directory; DeleteFileAsync deletes files only.");
        }

        if (!await _api.DeleteAsync(path, cancellationToken).ConfigureAwait(false))
        {
            throw new FileNotFoundException($"/app/{path} does not exist in the sandbox.", $"/app/{path}");
        }

        Log.DeletedFile(_logger, path);
    }

    public async Task<IReadOnlyList<RemoteFileInfo>> ListAsync(string relativePath = "", CancellationToken cancellationToken = default)
    {
        var path = AppPath.Normalize(relativePath);
        var entry = await _api.GetEntryAsync(path, cancellationToken).ConfigureAwait(false)
            ?? throw new DirectoryNotFoundException($"{Describe(path)} does not exist in the sandbox.");
        if (!entry.IsDirectory)
        {
            return [ToInfo(entry, path)];
        }

        var children = await _api.ListAsync(path, cancellationToken).ConfigureAwait(false)
            ?? throw new DirectoryNotFoundException($"{Describe(path)} does not exist in the sandbox.");
        var entries = new List<RemoteFileInfo>(children.Count);
        foreach (var child in children)
        {
            if (IsPlainName(child.Name))
            {
                entries.Add(ToInfo(child, Join(path, child.Name)));
            }
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return entries;
    }

    /// <summary>Gets a value indicating whether <paramref name="name"/> is one path segment that stays where it is put: not empty, <c>.</c> or <c>..</c>, no separator or NUL.</summary>
    internal static bool IsPlainName(string name) =>
        ArchivePath.TrySplit(name, out var segments) && segments.Length == 1 && segments[0] == name;

    private static string NormalizeNonEmpty(string relativePath, string what)
    {
        var path = AppPath.Normalize(relativePath);
        if (path.Length == 0)
        {
            throw new ArgumentException($"'{relativePath}' names /app itself; give the path of {what} relative to /app.", nameof(relativePath));
        }

        return path;
    }

    private static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? string.Empty : path[..slash];
    }

    private static string Join(string directory, string name) => directory.Length == 0 ? name : $"{directory}/{name}";

    private static string Describe(string path) => path.Length == 0 ? "/app" : $"/app/{path}";

    private static RemoteFileInfo ToInfo(ContentsEntry entry, string path) => new(
        path.Length == 0 ? string.Empty : path[(path.LastIndexOf('/') + 1)..],
        path,
        entry.IsDirectory ? 0 : entry.Size ?? 0,
        entry.IsDirectory ? RemoteFileKind.Directory : RemoteFileKind.File,
        entry.Modified);

    /// <summary>Lists what to upload, parents before children; refuses symbolic links and files over the size limit.</summary>
    private List<(FileSystemInfo Source, string Target)> PlanUpload(DirectoryInfo root, string target)
    {
        var plan = new List<(FileSystemInfo, string)>();
        var pending = new Stack<(DirectoryInfo Directory, string Target)>();
        pending.Push((root, target));
        while (pending.Count > 0)
        {
            var (directory, remote) = pending.Pop();
            foreach (var item in directory.EnumerateFileSystemInfos("*", s_everything).OrderBy(i => i.Name, StringComparer.Ordinal))
            {
                var itemTarget = Join(remote, item.Name);
                if (item.LinkTarget is not null)
                {
                    throw new NotSupportedException(
                        $"'{item.FullName}' is a symbolic link; the Contents API cannot create links and following it could upload files from outside the directory. Remove it, or upload what it points to.");
                }

                switch (item)
                {
                    case DirectoryInfo child:
                        plan.Add((child, itemTarget));
                        pending.Push((child, itemTarget));
                        break;
                    case FileInfo file:
                        ThrowIfTooLarge(file.Length, file.FullName);
                        plan.Add((file, itemTarget));
                        break;
                }
            }
        }

        return plan;
    }

    /// <summary>Creates <paramref name="path"/> and its missing parents; every existing component must be a directory.</summary>
    private async Task EnsureDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        if (path.Length == 0)
        {
            return;
        }

        var segments = path.Split('/');
        var existing = 0;
        for (var count = segments.Length; count > 0; count--)
        {
            var prefix = string.Join('/', segments[..count]);
            var entry = await _api.GetEntryAsync(prefix, cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                continue;
            }

            if (!entry.IsDirectory)
            {
                throw new IOException($"/app/{prefix} is a file in the sandbox, not a directory.");
            }

            existing = count;
            break;
        }

        for (var count = existing + 1; count <= segments.Length; count++)
        {
            await _api.CreateDirectoryAsync(string.Join('/', segments[..count]), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Downloads the directory <paramref name="path"/> into the empty directory <paramref name="destination"/>, breadth first.</summary>
    private async Task DownloadTreeAsync(string path, string destination, CancellationToken cancellationToken)
    {
        var pending = new Queue<(string Remote, string Local)>();
        pending.Enqueue((path, destination));
        var walked = 0;
        while (pending.Count > 0)
        {
            var (remote, local) = pending.Dequeue();
            var children = await _api.ListAsync(remote, cancellationToken).ConfigureAwait(false);
            if (children is null)
            {
                Log.SkippedContentsEntry(_logger, remote, "it disappeared during the download");
                continue;
            }

            foreach (var child in children)
            {
                if (!IsPlainName(child.Name))
                {
                    throw new InvalidDataException($"The Jupyter server listed the unsafe name '{child.Name}' in {Describe(remote)} (empty, '.', '..', or with a separator); nothing was written.");
                }

                if (++walked > _options.MaxDirectoryEntries)
                {
                    throw new IOException(
                        $"{Describe(path)} holds more than JupyterServerOptions.MaxDirectoryEntries ({_options.MaxDirectoryEntries}) entries; nothing was written. " +
                        "A symbolic link to a large directory can cause this: the Contents API walks links as directories. Download a smaller directory or raise the limit.");
                }

                var childRemote = Join(remote, child.Name);
                var childLocal = Path.Combine(local, child.Name);
                if (child.IsDirectory)
                {
                    Directory.CreateDirectory(childLocal);
                    pending.Enqueue((childRemote, childLocal));
                }
                else if (child.IsFile)
                {
                    ThrowIfTooLarge(child.Size ?? 0, $"/app/{childRemote}");
                    if (await DownloadToAsync(childRemote, childLocal, cancellationToken).ConfigureAwait(false) is { } failure)
                    {
                        File.Delete(childLocal);
                        Log.SkippedContentsEntry(_logger, childRemote, failure);
                    }
                }
                else
                {
                    Log.SkippedContentsEntry(_logger, childRemote, $"the server calls it a '{child.Type}'");
                }
            }
        }
    }

    /// <summary>Downloads the file <paramref name="path"/> to the new file <paramref name="localFile"/>.</summary>
    /// <returns><see langword="null"/> when the file arrived whole; otherwise why it was not taken (the caller deletes <paramref name="localFile"/>).</returns>
    private async Task<string?> DownloadToAsync(string path, string localFile, CancellationToken cancellationToken)
    {
        ContentsDownload download;
        var file = new FileStream(localFile, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
        });
        await using (file.ConfigureAwait(false))
        {
            download = await _api.DownloadAsync(path, file, _options.MaxFileBytes, cancellationToken).ConfigureAwait(false);
        }

        switch (download.Status)
        {
            case ContentsDownloadStatus.Missing:
                return "disappeared during the download";
            case ContentsDownloadStatus.Unreadable:
                return "is not a file the server can read (a broken link, or a link to a device or FIFO)";
        }

        if (download.Entry!.Size is { } size && size != download.Written)
        {
            return "is a symbolic link (the server reports the link's own size, not its target's) or changed while it was read";
        }

        File.SetLastWriteTimeUtc(localFile, download.Entry.Modified.UtcDateTime);
        return null;
    }

    private void ThrowIfTooLarge(long length, string what)
    {
        if (length > _options.MaxFileBytes)
        {
            throw JupyterServerApi.FileTooLarge(what, length, _options.MaxFileBytes);
        }
    }
}
