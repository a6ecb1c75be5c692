using System.ComponentModel;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace IpyBox.AI.Cli.Mcp;

/// <summary>
/// The file transfer tools of <c>ipybox mcp</c>: between the sandbox's <c>/app</c> directory and the host, where only
/// paths inside the directories given with <c>--allowed-dir</c> may be read or written.
/// </summary>
[McpServerToolType]
internal sealed class FileTools(Sandbox sandbox, McpServerSettings settings, ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<FileTools>();

    [McpServerTool(Name = "upload_file", Destructive = true)]
    [Description("""
        Copy a file from the host into the sandbox, so code run with `execute_ipython_cell` can read it.
        The host file must lie inside one of the directories this server was allowed to use.
        Missing directories in the sandbox are created and an existing file is replaced.
        """)]
    public Task<CallToolResult> UploadFileAsync(
        [Description("The target path in the sandbox, relative to its working directory /app (e.g. 'data/input.csv').")] string relpath,
        [Description("The absolute path of the file on the host.")] string local_path,
        CancellationToken cancellationToken = default) =>
        TransferAsync(
            "upload_file",
            local_path,
            async (client, hostPath) =>
            {
                await client.UploadFileAsync(hostPath, relpath, cancellationToken).ConfigureAwait(false);
                return $"Uploaded {hostPath} to /app/{relpath.TrimStart('/')}.";
            },
            cancellationToken);

    [McpServerTool(Name = "download_file", Destructive = true)]
    [Description("""
        Copy a file from the sandbox to the host, e.g. a result or plot that code wrote.
        The host path must lie inside one of the directories this server was allowed to use; missing parent
        directories are created and an existing file is replaced.
        """)]
    public Task<CallToolResult> DownloadFileAsync(
        [Description("The file in the sandbox, relative to its working directory /app (e.g. 'output/result.csv').")] string relpath,
        [Description("The absolute path on the host to write the file to.")] string local_path,
        CancellationToken cancellationToken = default) =>
        TransferAsync(
            "download_file",
            local_path,
            async (client, hostPath) =>
            {
                await client.DownloadFileAsync(relpath, hostPath, cancellationToken).ConfigureAwait(false);
                return $"Downloaded /app/{relpath.TrimStart('/')} to {hostPath}.";
            },
            cancellationToken);

    private async Task<CallToolResult> TransferAsync(string tool, string localPath, Func<ResourceClient, string, Task<string>> transfer, CancellationToken cancellationToken)
    {
        McpLog.ToolCalled(_logger, tool);
        if (settings.HostPaths.IsEmpty)
        {
            return ToolResults.Error("Refused: no host directory is allowed for file transfer; start the server with --allowed-dir <directory>.");
        }

        string hostPath;
        try
        {
            hostPath = settings.HostPaths.Authorize(localPath);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or ArgumentException)
        {
            McpLog.PathRefused(_logger, ex.Message);
            return ToolResults.Error($"Refused: {ex.Message}");
        }

        try
        {
            return await sandbox.UseAsync(
                async (_, container) =>
                {
                    var files = new ResourceClient(container, loggerFactory);
                    return ToolResults.Success(await transfer(files, hostPath).ConfigureAwait(false));
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return ToolResults.Error($"{tool} failed: {ex.Message}");
        }
        catch (Exception ex) when (SandboxTools.IsSandboxFailure(ex, cancellationToken))
        {
            McpLog.ToolFailed(_logger, ex);
            return ToolResults.Error($"The sandbox is not available: {ex.Message}");
        }
    }
}
