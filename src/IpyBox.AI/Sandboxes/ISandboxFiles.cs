namespace IpyBox.AI;

/// <summary>
/// The files of a sandbox under <c>/app</c>. Paths in the sandbox are relative to <c>/app</c>; a path that is absolute or
/// escapes <c>/app</c> with <c>..</c> is refused with an <see cref="ArgumentException"/>. Downloads write only regular files
/// and directories inside their target, whatever the sandbox holds.
/// </summary>
public interface ISandboxFiles
{
    /// <summary>Uploads a local file to <c>/app/<paramref name="relativePath"/></c>, creating missing directories and replacing an existing file.</summary>
    /// <param name="localPath">The file on the host.</param>
    /// <param name="relativePath">The target file, relative to <c>/app</c>.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>A task that completes when the file is in the sandbox.</returns>
    /// <exception cref="ArgumentException"><paramref name="relativePath"/> is empty, absolute or escapes <c>/app</c>.</exception>
    /// <exception cref="FileNotFoundException"><paramref name="localPath"/> does not exist.</exception>
    /// <exception cref="IOException"><paramref name="localPath"/> is a directory, or the target is not what is expected.</exception>
    Task UploadFileAsync(string localPath, string relativePath, CancellationToken cancellationToken = default);

    /// <summary>Uploads the contents of a local directory into <c>/app/<paramref name="relativePath"/></c>, creating it when missing and merging with what is there.</summary>
    /// <param name="localPath">The directory on the host.</param>
    /// <param name="relativePath">The target directory, relative to <c>/app</c>; empty for <c>/app</c> itself.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>A task that completes when the directory is in the sandbox.</returns>
    /// <exception cref="ArgumentException"><paramref name="relativePath"/> is absolute or escapes <c>/app</c>.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="localPath"/> does not exist.</exception>
    /// <exception cref="IOException"><paramref name="localPath"/> is a file, or the target is not a directory.</exception>
    Task UploadDirectoryAsync(string localPath, string relativePath, CancellationToken cancellationToken = default);

    /// <summary>Downloads the file <c>/app/<paramref name="relativePath"/></c> to <paramref name="localPath"/>, replacing a local file of that name.</summary>
    /// <param name="relativePath">The file in the sandbox, relative to <c>/app</c>.</param>
    /// <param name="localPath">The target file on the host; missing parent directories are created.</param>
    /// <param name="cancellationToken">Cancels the download; no partial file is left behind.</param>
    /// <returns>A task that completes when the file is on the host.</returns>
    /// <exception cref="ArgumentException"><paramref name="relativePath"/> is absolute or escapes <c>/app</c>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist in the sandbox.</exception>
    /// <exception cref="IOException">The sandbox path is not a regular file, or <paramref name="localPath"/> is a directory.</exception>
    Task DownloadFileAsync(string relativePath, string localPath, CancellationToken cancellationToken = default);

    /// <summary>Downloads the directory <c>/app/<paramref name="relativePath"/></c> into <paramref name="localPath"/> (created when missing, merged with what is there).</summary>
    /// <param name="relativePath">The directory in the sandbox, relative to <c>/app</c>; empty for <c>/app</c> itself.</param>
    /// <param name="localPath">The target directory on the host.</param>
    /// <param name="cancellationToken">Cancels the download; the target is left unchanged.</param>
    /// <returns>A task that completes when the directory is on the host.</returns>
    /// <exception cref="ArgumentException"><paramref name="relativePath"/> is absolute or escapes <c>/app</c>.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist in the sandbox.</exception>
    /// <exception cref="IOException">The sandbox path is not a directory, or <paramref name="localPath"/> is a file.</exception>
    Task DownloadDirectoryAsync(string relativePath, string localPath, CancellationToken cancellationToken = default);

    /// <summary>Deletes the file <c>/app/<paramref name="relativePath"/></c>.</summary>
    /// <param name="relativePath">The file, relative to <c>/app</c>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the file is deleted.</returns>
    /// <exception cref="ArgumentException"><paramref name="relativePath"/> is empty, absolute or escapes <c>/app</c>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory, or the file may not be deleted.</exception>
    Task DeleteFileAsync(string relativePath, CancellationToken cancellationToken = default);

    /// <summary>Lists the entries of the directory <c>/app/<paramref name="relativePath"/></c>, sorted by name; for a file, the file itself.</summary>
    /// <param name="relativePath">The directory, relative to <c>/app</c>; empty for <c>/app</c> itself.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="ArgumentException"><paramref name="relativePath"/> is absolute or escapes <c>/app</c>.</exception>
    /// <exception cref="DirectoryNotFoundException">The path does not exist.</exception>
    Task<IReadOnlyList<RemoteFileInfo>> ListAsync(string relativePath = "", CancellationToken cancellationToken = default);
}
