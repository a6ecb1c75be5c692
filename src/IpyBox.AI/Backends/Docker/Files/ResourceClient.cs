using System.Globalization;
using System.IO.Pipelines;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpyBox.AI;

/// <summary>
/// Moves files between the host and a running <see cref="ExecutionContainer"/>. Container paths are relative to
/// <c>/app</c> (the kernel's working directory); a path that is absolute or escapes <c>/app</c> with <c>..</c> is refused.
/// </summary>
/// <remarks>
/// <para>
/// Transfers use the Docker archive API and stream: a file of any size passes through a small buffer, and no
/// transfer is cut off by the engine client's request timeout. Uploaded files and directories belong to the kernel user
/// (UID/GID 1000), so code in the sandbox can change them.
/// </para>
/// <para>
/// Downloads treat the container as hostile. Only regular files and directories reach the host; symbolic links,
/// devices and FIFOs are skipped (and logged), a hard link is written as a copy of a file of the same download,
/// and an entry whose name is absolute or contains <c>..</c> aborts the download. A directory download is
/// staged next to its target and moved into place only when complete, so a failure leaves the target unchanged.
/// A running container's files are read by <c>tar</c> as the kernel user, so a download holds no more than code in the
/// sandbox could read itself; names the host cannot hold (<c>a\b.txt</c>) are renamed with <c>_</c>.
/// </para>
/// <para>
/// Every download and listing is bounded by the container's options: no byte for
/// <see cref="ExecutionContainerOptions.FileTransferIdleTimeout"/>, or no end within
/// <see cref="ExecutionContainerOptions.FileTransferTimeout"/>, gives a <see cref="FileTransferTimeoutException"/>; more than
/// <see cref="ExecutionContainerOptions.MaxDownloadBytes"/> gives an <see cref="IOException"/>. A file swapped for a FIFO or a
/// device after it was checked, a file that grows without end, or a kernel server taken over by the sandbox's code thus ends
/// with an error instead of a wait or a full disk, and leaves nothing on the host. The caller's token ends any of them at once.
/// </para>
/// <para>
/// Every call on a container that no longer exists throws <see cref="SandboxUnavailableException"/>; an engine that cannot be
/// reached gives <see cref="DockerUnavailableException"/>.
/// </para>
/// </remarks>
public sealed class ResourceClient : ISandboxFiles
{
    private const uint ModeDirectory = 1u << 31;
    private const uint ModeSymbolicLink = 1u << 27;
    private const uint ModeTypeMask = ModeDirectory | ModeSymbolicLink | (1u << 26) | (1u << 25) | (1u << 24) | (1u << 21) | (1u << 19);

    private readonly ExecutionContainer _container;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="ResourceClient"/> class.</summary>
    /// <param name="container">The container; it must be running when a method is called.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for no logging.</param>
    /// <exception cref="ArgumentNullException"><paramref name="container"/> is <see langword="null"/>.</exception>
    public ResourceClient(ExecutionContainer container, ILoggerFactory? loggerFactory = null)
    {
        _container = Throw.IfNull(container);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ResourceClient>();
    }

    /// <summary>Uploads a local file to <c>/app/<paramref name="relativePath"/></c>, creating missing directories and replacing an existing file.</summary>
    /// <param name="localPath">The file on the host.</param>
    /// <param name="relativePath">The target file, relative to <c>/app</c>.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>A task that completes when the file is in the container.</returns>
    /// <exception cref="ArgumentException"><paramref name="relativePath"/> is empty, absolute or escapes <c>/app</c>.</exception>
    /// <exception cref="FileNotFoundException"><paramref name="localPath"/> does not exist.</exception>
    /// <exception cref="IOException"><paramref name="localPath"/> is a directory, or the target or one of its parents is not what is expected.</exception>
    /// <exception cref="InvalidOperationException">The container has not been started.</exception>
    public async Task UploadFileAsync(string localPath, string relativePath, CancellationToken cancellationToken = default)
    {
        Throw.IfNullOrWhiteSpace(localPath);
        var segments = SplitNonEmpty(relativePath, "a file");
        var local = Path.GetFullPath(localPath);
        if (Directory.Exists(local))
        {
            throw new IOException($"'{localPath}' is a directory; use UploadDirectoryAsync for directories.");
        }

        if (!File.Exists(local))
        {
            throw new FileNotFoundException($"The local file '{localPath}' does not exist.", localPath);
        }

        var target = await StatAsync(ToAbsolute(segments), cancellationToken).ConfigureAwait(false);
        if (target is not null && IsDirectory(target))
        {
            throw new IOException($"/app/{string.Join('/', segments)} is a directory in the container; give a file path.");
        }

        var (baseSegments, missing) = await FindExistingParentAsync(segments[..^1], cancellationToken).ConfigureAwait(false);
        var archive = new UploadArchive();
        var prefix = string.Empty;
        foreach (var directory in missing)
        {
            prefix = prefix.Length == 0 ? directory : $"{prefix}/{directory}";
            archive.AddDirectory(prefix);
        }

        archive.AddFile(prefix.Length == 0 ? segments[^1] : $"{prefix}/{segments[^1]}", local);
        Log.Uploading(_logger, local, string.Join('/', segments));
        await PutAsync(ToAbsolute(baseSegments), archive, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Uploads the contents of a local directory into <c>/app/<paramref name="relativePath"/></c>, creating it when missing and
    /// merging with what is there. Symbolic links are uploaded as links, never followed.
    /// </summary>
    /// <param name="localPath">The directory on the host.</param>
    /// <param name="relativePath">The target directory, relative to <c>/app</c>; empty for <c>/app</c> itself.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>A task that completes when the directory is in the container.</returns>
    /// <exception cref="ArgumentException"><paramref name="relativePath"/> is absolute or escapes <c>/app</c>.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="localPath"/> does not exist.</exception>
    /// <exception cref="IOException"><paramref name="localPath"/> is a file, or the target or one of its parents is not a directory.</exception>
    /// <exception cref="InvalidOperationException">The container has not been started.</exception>
    public async Task UploadDirectoryAsync(string localPath, string relativePath, CancellationToken cancellationToken = default)
    {
        Throw.IfNullOrWhiteSpace(localPath);
        var segments = Split(relativePath);
        var local = Path.GetFullPath(localPath);
        if (File.Exists(local))
        {
            throw new IOException($"'{localPath}' is a file; use UploadFileAsync for files.");
        }

        if (!Directory.Exists(local))
        {
            throw new DirectoryNotFoundException($"The local directory '{localPath}' does not exist.");
        }

        var (baseSegments, missing) = await FindExistingParentAsync(segments, cancellationToken).ConfigureAwait(false);
        var archive = new UploadArchive();
        var prefix = string.Empty;
        foreach (var directory in missing)
        {
            prefix = prefix.Length == 0 ? directory : $"{prefix}/{directory}";
            archive.AddDirectory(prefix);
        }

        archive.AddTree(prefix, local);
        Log.Uploading(_logger, local, string.Join('/', segments));
        await PutAsync(ToAbsolute(baseSegments), archive, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Downloads the file <c>/app/<paramref name="relativePath"/></c> to <paramref name="localPath"/>, replacing a local file of that name.</summary>
    /// <param name="relativePath">The file in the container, relative to <c>/app</c>. A symbolic link is followed only when it points to a file inside <c>/app</c>.</param>
    /// <param name="localPath">The target file on the host; missing parent directories are created.</param>
    /// <param name="cancellationToken">Cancels the download; no partial file is left behind.</param>
    /// <returns>A task that completes when the file is on the host.</returns>
    /// <exception cref="ArgumentException"><paramref name="relativePath"/> is absolute or escapes <c>/app</c>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist in the container.</exception>
    /// <exception cref="IOException">
    /// The container path is not a regular file, or <paramref name="localPath"/> is a directory, or the file is larger than
    /// <see cref="ExecutionContainerOptions.MaxDownloadBytes"/> or changed during the download.
    /// </exception>
    /// <exception cref="FileTransferTimeoutException">The download went past <see cref="ExecutionContainerOptions.FileTransferIdleTimeout"/> or <see cref="ExecutionContainerOptions.FileTransferTimeout"/>.</exception>
    /// <exception cref="InvalidOperationException">The container has not been started.</exception>
    public async Task DownloadFileAsync(string relativePath, string localPath, CancellationToken cancellationToken = default)
    {
        Throw.IfNullOrWhiteSpace(localPath);
        var segments = Split(relativePath);
        var absolute = ToAbsolute(segments);
        var local = Path.GetFullPath(localPath);
        if (Directory.Exists(local))
        {
            throw new IOException($"'{localPath}' is a directory; give the path of the file to write.");
        }

        var stat = await StatAsync(absolute, cancellationToken).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"{absolute} does not exist in the container.", absolute);
        if ((stat.Mode & ModeSymbolicLink) != 0)
        {
            var linkTarget = stat.LinkTarget ?? string.Empty;
            if (!linkTarget.StartsWith(AppPath.Root + "/", StringComparison.Ordinal) || linkTarget.Contains("/../", StringComparison.Ordinal))
            {
                throw new IOException($"{absolute} is a symbolic link to '{linkTarget}', outside /app; it is not followed.");
            }

            absolute = linkTarget;
            stat = await StatAsync(absolute, cancellationToken).ConfigureAwait(false)
                ?? throw new FileNotFoundException($"{absolute} (the target of a link) does not exist in the container.", absolute);
        }

        if ((stat.Mode & ModeTypeMask) != 0)
        {
            throw new IOException($"{absolute} is {Describe(stat)} in the container; DownloadFileAsync downloads regular files only.");
        }

        var limits = Limits;
        limits.ThrowIfTooLarge(absolute, stat.Size);
        Log.Downloading(_logger, relativePath, local);
        var mode = (UnixFileMode)stat.Mode; // LocalFileWriter keeps the permission bits only
        var modified = ToUtc(stat.Mtime);
        using var guard = new TransferGuard(absolute, limits, cancellationToken);
        await DownloadTarget.WriteFileAsync(local, temporary => guard.RunAsync(async token =>
        {
            // The kernel server sends the file as it is and much faster; tar through exec serves what it does not.
            if (!await ServerFileDownload.TryWriteAsync(_container, absolute, temporary, mode, modified, guard, token).ConfigureAwait(false))
            {
                await GetAsync(absolute, guard, stream => ExtractFileAsync(stream, absolute, temporary, token), token).ConfigureAwait(false);
            }
        })).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads the directory <c>/app/<paramref name="relativePath"/></c> into <paramref name="localPath"/> (created when missing;
    /// merged with what is there, replacing files of the same name). Only regular files and directories are written.
    /// </summary>
    /// <param name="relativePath">The directory in the container, relative to <c>/app</c>; empty for <c>/app</c> itself.</param>
    /// <param name="localPath">The target directory on the host.</param>
    /// <param name="cancellationToken">Cancels the download; the target is left unchanged.</param>
    /// <returns>A task that completes when the directory is on the host.</returns>
    /// <exception cref="ArgumentException"><paramref name="relativePath"/> is absolute or escapes <c>/app</c>.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist in the container.</exception>
    /// <exception cref="IOException">
    /// The container path is not a directory, or <paramref name="localPath"/> is a file, or the directory's archive is larger
    /// than <see cref="ExecutionContainerOptions.MaxDownloadBytes"/>.
    /// </exception>
    /// <exception cref="FileTransferTimeoutException">The download went past <see cref="ExecutionContainerOptions.FileTransferIdleTimeout"/> or <see cref="ExecutionContainerOptions.FileTransferTimeout"/>.</exception>
    /// <exception cref="InvalidDataException">The container sent an entry that would land outside the target; nothing was written.</exception>
    /// <exception cref="InvalidOperationException">The container has not been started.</exception>
    public async Task DownloadDirectoryAsync(string relativePath, string localPath, CancellationToken cancellationToken = default)
    {
        Throw.IfNullOrWhiteSpace(localPath);
        var segments = Split(relativePath);
        var absolute = ToAbsolute(segments);
        var local = Path.GetFullPath(localPath);
        if (File.Exists(local))
        {
            throw new IOException($"'{localPath}' is a file; give the path of a directory.");
        }

        var stat = await StatAsync(absolute, cancellationToken).ConfigureAwait(false)
            ?? throw new DirectoryNotFoundException($"{absolute} does not exist in the container.");
        if (!IsDirectory(stat))
        {
            throw new IOException($"{absolute} is {Describe(stat)} in the container; use DownloadFileAsync for files.");
        }

        Log.Downloading(_logger, relativePath, local);
        using var guard = new TransferGuard(absolute, Limits, cancellationToken);
        await DownloadTarget.WriteDirectoryAsync(
            local,
            staging => guard.RunAsync(token => GetAsync(absolute, guard, stream => ArchiveExtractor.ExtractDirectoryAsync(stream, staging, _logger, token), token))).ConfigureAwait(false);
    }

    /// <summary>Deletes the file <c>/app/<paramref name="relativePath"/></c> (a symbolic link itself, not its target).</summary>
    /// <param name="relativePath">The file, relative to <c>/app</c>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the file is deleted.</returns>
    /// <exception cref="ArgumentException"><paramref name="relativePath"/> is empty, absolute or escapes <c>/app</c>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, or the kernel user may not delete the file.</exception>
    /// <exception cref="InvalidOperationException">The container has not been started.</exception>
    /// <exception cref="SandboxUnavailableException">The container has stopped.</exception>
    public async Task DeleteFileAsync(string relativePath, CancellationToken cancellationToken = default)
    {
        var segments = SplitNonEmpty(relativePath, "a file");
        var absolute = ToAbsolute(segments);
        var stat = await StatAsync(absolute, cancellationToken).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"{absolute} does not exist in the container.", absolute);
        if (IsDirectory(stat))
        {
            throw new IOException($"{absolute} is a directory; DeleteFileAsync deletes files only.");
        }

        var result = await ExecAsync(["rm", "-f", "--", absolute], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new IOException($"Could not delete {absolute}: {result.StandardError.Trim()}");
        }

        Log.DeletedFile(_logger, string.Join('/', segments));
    }

    /// <summary>Lists the entries of the directory <c>/app/<paramref name="relativePath"/></c>, sorted by name; for a file, the file itself.</summary>
    /// <param name="relativePath">The directory, relative to <c>/app</c>; empty for <c>/app</c> itself.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The entries; symbolic links are reported as links, not followed.</returns>
    /// <exception cref="ArgumentException"><paramref name="relativePath"/> is absolute or escapes <c>/app</c>.</exception>
    /// <exception cref="DirectoryNotFoundException">The path does not exist.</exception>
    /// <exception cref="IOException">The directory cannot be read.</exception>
    /// <exception cref="FileTransferTimeoutException">The listing did not arrive within <see cref="ExecutionContainerOptions.FileTransferIdleTimeout"/>.</exception>
    /// <exception cref="InvalidOperationException">The container has not been started.</exception>
    /// <exception cref="SandboxUnavailableException">The container has stopped.</exception>
    public async Task<IReadOnlyList<RemoteFileInfo>> ListAsync(string relativePath = "", CancellationToken cancellationToken = default)
    {
        var segments = Split(relativePath);
        var absolute = ToAbsolute(segments);
        var relative = string.Join('/', segments);
        var stat = await StatAsync(absolute, cancellationToken).ConfigureAwait(false)
            ?? throw new DirectoryNotFoundException($"{absolute} does not exist in the container.");
        if (!IsDirectory(stat))
        {
            return [new RemoteFileInfo(stat.Name, relative, stat.Size, KindOf(stat.Mode), new DateTimeOffset(ToUtc(stat.Mtime), TimeSpan.Zero))];
        }

        // The listing arrives whole when find ends, so the idle bound is its bound.
        using var guard = new TransferGuard(absolute, Limits, cancellationToken);
        var result = await guard.RunAsync(token => ExecAsync(["find", absolute, "-mindepth", "1", "-maxdepth", "1", "-printf", "%y\\t%s\\t%T@\\t%f\\0"], token)).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new IOException($"Could not list {absolute}: {result.StandardError.Trim()}");
        }

        var entries = new List<RemoteFileInfo>();
        foreach (var record in result.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = record.Split('\t', 4);
            if (fields.Length != 4)
            {
                continue;
            }

            var kind = fields[0] switch
            {
                "f" => RemoteFileKind.File,
                "d" => RemoteFileKind.Directory,
                "l" => RemoteFileKind.SymbolicLink,
                _ => RemoteFileKind.Other,
            };
            var size = kind == RemoteFileKind.Directory ? 0 : long.Parse(fields[1], CultureInfo.InvariantCulture);
            var seconds = decimal.Parse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture);
            var modified = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
            var name = fields[3];
            entries.Add(new RemoteFileInfo(name, relative.Length == 0 ? name : $"{relative}/{name}", size, kind, modified));
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return entries;
    }

    /// <summary>The bounds of a download from this container, from its options.</summary>
    private TransferLimits Limits
    {
        get
        {
            var options = _container.Options;
            return new TransferLimits(
                options.FileTransferIdleTimeout,
                $"{nameof(ExecutionContainerOptions)}.{nameof(ExecutionContainerOptions.FileTransferIdleTimeout)}",
                options.FileTransferTimeout,
                $"{nameof(ExecutionContainerOptions)}.{nameof(ExecutionContainerOptions.FileTransferTimeout)}",
                options.MaxDownloadBytes,
                $"{nameof(ExecutionContainerOptions)}.{nameof(ExecutionContainerOptions.MaxDownloadBytes)}",
                options.TimeProvider);
        }
    }

    private string ContainerId => _container.ContainerId ?? throw new InvalidOperationException("The container has not been started; call RunAsync first.");

    private static string[] Split(string relativePath)
    {
        var normalized = AppPath.Normalize(relativePath);
        return normalized.Length == 0 ? [] : normalized.Split('/');
    }

    private static string[] SplitNonEmpty(string relativePath, string what)
    {
        var segments = Split(relativePath);
        if (segments.Length == 0)
        {
            throw new ArgumentException($"'{relativePath}' names /app itself; give the path of {what} relative to /app.", nameof(relativePath));
        }

        return segments;
    }

    private static string ToAbsolute(string[] segments) =>
        segments.Length == 0 ? AppPath.Root : $"{AppPath.Root}/{string.Join('/', segments)}";

    private static bool IsDirectory(ContainerPathStatResponse stat) => (stat.Mode & ModeDirectory) != 0;

    private static DateTime ToUtc(DateTime time) => time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime();

    private static RemoteFileKind KindOf(uint mode) =>
        (mode & ModeDirectory) != 0 ? RemoteFileKind.Directory
        : (mode & ModeSymbolicLink) != 0 ? RemoteFileKind.SymbolicLink
        : (mode & ModeTypeMask) != 0 ? RemoteFileKind.Other
        : RemoteFileKind.File;

    private static string Describe(ContainerPathStatResponse stat) => KindOf(stat.Mode) switch
    {
        RemoteFileKind.Directory => "a directory",
        RemoteFileKind.SymbolicLink => "a symbolic link",
        RemoteFileKind.File => "a file",
        _ => "a device, FIFO or socket",
    };

    /// <summary>Returns the stat of a container path, or <see langword="null"/> when it does not exist.</summary>
    private async Task<ContainerPathStatResponse?> StatAsync(string absolutePath, CancellationToken cancellationToken)
    {
        var id = ContainerId;
        try
        {
            var stat = await _container.Engine.StatPathAsync(id, absolutePath, cancellationToken).ConfigureAwait(false);
            if (stat is null)
            {
                // The engine says 404 for a missing path and for a missing container: tell them apart.
                await ThrowIfRemovedAsync(id, cancellationToken).ConfigureAwait(false);
            }

            return stat;
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.InternalServerError)
        {
            // E.g. a file where the path needs a directory ("not a directory").
            throw new IOException($"{absolutePath} cannot be reached in the container: a part of the path is not a directory or cannot be read.", ex);
        }
    }

    /// <summary>Throws a <see cref="SandboxUnavailableException"/> when the container no longer exists.</summary>
    private async Task ThrowIfRemovedAsync(string id, CancellationToken cancellationToken)
    {
        if (await _container.Engine.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            throw Removed(id, null);
        }
    }

    private static SandboxUnavailableException Removed(string id, Exception? cause) =>
        new($"Container {id[..Math.Min(12, id.Length)]} no longer exists, and its files with it. Start a new container (or sandbox).", cause);

    /// <summary>Runs a command as the kernel user; a stopped container gives a <see cref="SandboxUnavailableException"/>.</summary>
    private async Task<DockerOperations.ExecResult> ExecAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var id = ContainerId;
        try
        {
            return await _container.Engine.ExecAsync(id, command, user: null, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (ex.StatusCode is System.Net.HttpStatusCode.Conflict or System.Net.HttpStatusCode.NotFound)
        {
            throw new SandboxUnavailableException(
                $"Container {id[..Math.Min(12, id.Length)]} is not running, so '{command[0]}' cannot run in it. Start a new container.", ex);
        }
    }

    /// <summary>
    /// Finds the deepest existing directory on the way to <paramref name="segments"/> and returns it with the names
    /// below it that must be created. Every existing component must be a directory.
    /// </summary>
    private async Task<(string[] Existing, string[] Missing)> FindExistingParentAsync(string[] segments, CancellationToken cancellationToken)
    {
        for (var count = segments.Length; count > 0; count--)
        {
            var path = ToAbsolute(segments[..count]);
            var stat = await StatAsync(path, cancellationToken).ConfigureAwait(false);
            if (stat is null)
            {
                continue;
            }

            if (!IsDirectory(stat))
            {
                throw new IOException($"{path} is {Describe(stat)} in the container, not a directory.");
            }

            return (segments[..count], segments[count..]);
        }

        return ([], segments);
    }

    private async Task PutAsync(string absoluteDirectory, UploadArchive archive, CancellationToken cancellationToken)
    {
        var id = ContainerId;
        var pipe = new Pipe(new PipeOptions(
            pauseWriterThreshold: TransferBuffer.PipeCapacity,
            resumeWriterThreshold: TransferBuffer.PipeCapacity / 2,
            minimumSegmentSize: TransferBuffer.Size));
        using var producerCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => archive.WriteAsync(pipe.Writer, producerCancellation.Token), CancellationToken.None);
        try
        {
            var body = pipe.Reader.AsStream();
            await using (body.ConfigureAwait(false))
            {
                await _container.Engine.PutArchiveAsync(id, absoluteDirectory, body, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            await producerCancellation.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (Exception producerError) when (producerError is not OperationCanceledException)
            {
                // Reading the local files failed first: that is the cause worth reporting.
                throw new IOException($"Could not read the local files to upload: {producerError.Message}", producerError);
            }
            catch (OperationCanceledException)
            {
            }

            if (ex is DockerApiException { StatusCode: System.Net.HttpStatusCode.NotFound } && await _container.Engine.InspectContainerAsync(id, CancellationToken.None).ConfigureAwait(false) is null)
            {
                throw Removed(id, ex);
            }

            if (ex is DockerApiException api)
            {
                throw new IOException($"The engine refused the upload to {absoluteDirectory}: {api.ResponseBody?.Trim()}", ex);
            }

            throw;
        }

        await producer.ConfigureAwait(false);
    }

    /// <summary>
    /// Streams the tar archive of a container path to <paramref name="consume"/>. A running container's archive is made by
    /// <c>tar</c> run as the kernel user, so a download holds only what the sandbox's own code could read: a file swapped
    /// for a link to a root-only file while the download runs yields nothing of it. The engine's archive API reads as root
    /// (between its own check and open a path can be swapped), so it serves only stopped containers, where no process is
    /// left to swap anything.
    /// </summary>
    private async Task GetAsync(string absolutePath, TransferGuard guard, Func<Stream, Task> consume, CancellationToken cancellationToken)
    {
        var id = ContainerId;
        var slash = absolutePath.LastIndexOf('/');
        var parent = slash == 0 ? "/" : absolutePath[..slash];
        string[] command = ["tar", "--create", "--file=-", "--directory", parent, "--", absolutePath[(slash + 1)..]];
        DockerOperations.ExecResult tar;
        try
        {
            tar = await _container.Engine.ExecStreamingAsync(id, command, output => ConsumeTarAsync(output, guard.Watch(output), absolutePath, consume), cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            await GetFromStoppedContainerAsync(id, absolutePath, guard, consume, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw Removed(id, ex);
        }

        if (tar.ExitCode != 0)
        {
            Log.DownloadIncomplete(_logger, absolutePath, tar.StandardError.Trim());
        }
    }

    private static async Task ExtractFileAsync(Stream archive, string absolutePath, string destination, CancellationToken cancellationToken)
    {
        try
        {
            await ArchiveExtractor.ExtractFileAsync(archive, destination, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new IOException($"{absolutePath} is no longer a regular file in the container; it changed during the download. {ex.Message}", ex);
        }
    }

    private static async Task ConsumeTarAsync(ExecOutputStream output, Stream watched, string absolutePath, Func<Stream, Task> consume)
    {
        try
        {
            await consume(watched).ConfigureAwait(false);
        }
        catch (InvalidDataException ex) when (output.StandardError.Length > 0)
        {
            // E.g. an empty archive because the kernel user may not read the file.
            throw new IOException($"{absolutePath} could not be read as the kernel user: {output.StandardError.Trim()}", ex);
        }
    }

    private async Task GetFromStoppedContainerAsync(string id, string absolutePath, TransferGuard guard, Func<Stream, Task> consume, CancellationToken cancellationToken)
    {
        var archive = await _container.Engine.GetArchiveAsync(id, absolutePath, cancellationToken).ConfigureAwait(false);
        if (archive is null)
        {
            await ThrowIfRemovedAsync(id, cancellationToken).ConfigureAwait(false);
            throw new FileNotFoundException($"{absolutePath} disappeared from the container during the download.", absolutePath);
        }

        var stream = new ArchiveReadStream(guard.Watch(archive));
        await using (stream.ConfigureAwait(false))
        {
            await consume(stream).ConfigureAwait(false);
        }
    }
}
