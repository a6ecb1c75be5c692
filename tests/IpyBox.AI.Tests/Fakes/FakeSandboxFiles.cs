using System.Collections.Concurrent;

namespace IpyBox.AI.Tests;

/// <summary>The files of a <see cref="FakeSandbox"/>, in memory; <see cref="Failure"/> makes every call fail.</summary>
internal sealed class FakeSandboxFiles : ISandboxFiles
{
    /// <summary>Gets the files, by path relative to <c>/app</c>.</summary>
    public ConcurrentDictionary<string, byte[]> Contents { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the exception every call throws, or <see langword="null"/>.</summary>
    public Exception? Failure { get; set; }

    public async Task UploadFileAsync(string localPath, string relativePath, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        Contents[relativePath] = await File.ReadAllBytesAsync(localPath, cancellationToken);
    }

    public async Task UploadDirectoryAsync(string localPath, string relativePath, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        foreach (var file in Directory.EnumerateFiles(localPath, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetRelativePath(localPath, file).Replace('\\', '/');
            Contents[relativePath.Length == 0 ? name : $"{relativePath}/{name}"] = await File.ReadAllBytesAsync(file, cancellationToken);
        }
    }

    public async Task DownloadFileAsync(string relativePath, string localPath, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        if (!Contents.TryGetValue(relativePath, out var data))
        {
            throw new FileNotFoundException($"/app/{relativePath} does not exist in the sandbox.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(localPath)!);
        await File.WriteAllBytesAsync(localPath, data, cancellationToken);
    }

    public Task DownloadDirectoryAsync(string relativePath, string localPath, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Not needed by the tools.");

    public Task DeleteFileAsync(string relativePath, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        Contents.TryRemove(relativePath, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RemoteFileInfo>> ListAsync(string relativePath = "", CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        var prefix = relativePath.Length == 0 ? string.Empty : relativePath + "/";
        IReadOnlyList<RemoteFileInfo> entries = [.. Contents
            .Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal) && !e.Key[prefix.Length..].Contains('/', StringComparison.Ordinal))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new RemoteFileInfo(e.Key[prefix.Length..], e.Key, e.Value.Length, RemoteFileKind.File, DateTimeOffset.UnixEpoch))];
        return Task.FromResult(entries);
    }

    private void ThrowIfFailing()
    {
        if (Failure is not null)
        {
            throw Failure;
        }
    }
}
