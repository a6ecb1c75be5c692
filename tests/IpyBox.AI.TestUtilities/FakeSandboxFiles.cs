using System.Collections.Concurrent;

namespace IpyBox.AI.TestUtilities;

/// <summary>
/// A hand-written <see cref="ISandboxFiles"/> for unit tests: it records every call and answers through callbacks.
/// It moves no bytes; a test that needs files on the host writes them in <see cref="OnCall"/>.
/// </summary>
public sealed class FakeSandboxFiles : ISandboxFiles
{
    private readonly ConcurrentQueue<FakeFileCall> _calls = new();

    /// <summary>Gets or sets what runs for every call after it is recorded; throw to fail the call (e.g. <see cref="FileNotFoundException"/>).</summary>
    public Func<FakeFileCall, CancellationToken, Task>? OnCall { get; set; }

    /// <summary>Gets or sets what <see cref="ListAsync"/> returns for a path; without it every directory is empty.</summary>
    public Func<string, IReadOnlyList<RemoteFileInfo>>? OnList { get; set; }

    /// <summary>Gets the calls, in the order they were made.</summary>
    public IReadOnlyList<FakeFileCall> Calls => [.. _calls];

    public Task UploadFileAsync(string localPath, string relativePath, CancellationToken cancellationToken = default) =>
        RecordAsync(new FakeFileCall(nameof(UploadFileAsync), relativePath, localPath), cancellationToken);

    public Task UploadDirectoryAsync(string localPath, string relativePath, CancellationToken cancellationToken = default) =>
        RecordAsync(new FakeFileCall(nameof(UploadDirectoryAsync), relativePath, localPath), cancellationToken);

    public Task DownloadFileAsync(string relativePath, string localPath, CancellationToken cancellationToken = default) =>
        RecordAsync(new FakeFileCall(nameof(DownloadFileAsync), relativePath, localPath), cancellationToken);

    public Task DownloadDirectoryAsync(string relativePath, string localPath, CancellationToken cancellationToken = default) =>
        RecordAsync(new FakeFileCall(nameof(DownloadDirectoryAsync), relativePath, localPath), cancellationToken);

    public Task DeleteFileAsync(string relativePath, CancellationToken cancellationToken = default) =>
        RecordAsync(new FakeFileCall(nameof(DeleteFileAsync), relativePath, null), cancellationToken);

    public async Task<IReadOnlyList<RemoteFileInfo>> ListAsync(string relativePath = "", CancellationToken cancellationToken = default)
    {
        await RecordAsync(new FakeFileCall(nameof(ListAsync), relativePath, null), cancellationToken);
        return OnList?.Invoke(relativePath) ?? [];
    }

    private async Task RecordAsync(FakeFileCall call, CancellationToken cancellationToken)
    {
        _calls.Enqueue(call);
        if (OnCall is { } onCall)
        {
            await onCall(call, cancellationToken);
        }
    }
}
