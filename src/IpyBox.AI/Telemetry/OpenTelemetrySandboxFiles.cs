using System.Diagnostics;

namespace IpyBox.AI;

/// <summary>The files of an observed sandbox: each call is a span (<c>upload_file</c>, <c>download_directory</c>, ...) and a measurement.</summary>
internal sealed class OpenTelemetrySandboxFiles : ISandboxFiles
{
    private readonly ISandboxFiles _inner;
    private readonly string _sandboxId;

    public OpenTelemetrySandboxFiles(ISandboxFiles inner, string sandboxId)
    {
        _inner = inner;
        _sandboxId = sandboxId;
    }

    public Task UploadFileAsync(string localPath, string relativePath, CancellationToken cancellationToken = default) =>
        ObserveAsync("upload_file", relativePath, () => _inner.UploadFileAsync(localPath, relativePath, cancellationToken));

    public Task UploadDirectoryAsync(string localPath, string relativePath, CancellationToken cancellationToken = default) =>
        ObserveAsync("upload_directory", relativePath, () => _inner.UploadDirectoryAsync(localPath, relativePath, cancellationToken));

    public Task DownloadFileAsync(string relativePath, string localPath, CancellationToken cancellationToken = default) =>
        ObserveAsync("download_file", relativePath, () => _inner.DownloadFileAsync(relativePath, localPath, cancellationToken));

    public Task DownloadDirectoryAsync(string relativePath, string localPath, CancellationToken cancellationToken = default) =>
        ObserveAsync("download_directory", relativePath, () => _inner.DownloadDirectoryAsync(relativePath, localPath, cancellationToken));

    public Task DeleteFileAsync(string relativePath, CancellationToken cancellationToken = default) =>
        ObserveAsync("delete_file", relativePath, () => _inner.DeleteFileAsync(relativePath, cancellationToken));

    public async Task<IReadOnlyList<RemoteFileInfo>> ListAsync(string relativePath = "", CancellationToken cancellationToken = default)
    {
        IReadOnlyList<RemoteFileInfo> entries = [];
        await ObserveAsync("list_directory", relativePath, async () => entries = await _inner.ListAsync(relativePath, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        return entries;
    }

    private async Task ObserveAsync(string operation, string relativePath, Func<Task> call)
    {
        using var activity = IpyBoxTelemetry.Source.StartActivity(operation, ActivityKind.Client);
        activity?.SetTag("ipybox.sandbox.id", _sandboxId);
        activity?.SetTag("ipybox.file.path", relativePath);
        var operationTag = new KeyValuePair<string, object?>("ipybox.file.operation", operation);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await call().ConfigureAwait(false);
            IpyBoxTelemetry.FileOperationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, operationTag);
        }
        catch (Exception ex)
        {
            IpyBoxTelemetry.SetError(activity, ex);
            IpyBoxTelemetry.FileOperationDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds, operationTag, new KeyValuePair<string, object?>("error.type", IpyBoxTelemetry.ErrorType(ex)));
            throw;
        }
    }
}
