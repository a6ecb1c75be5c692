using System.ComponentModel;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace IpyBox.AI.Cli.Mcp;

/// <summary>
/// The tools of <c>ipybox mcp</c>. Names and parameters follow the reference implementation, so existing client
/// configurations and prompts keep working. Each tool is a thin adapter over the library's <see cref="SandboxTools"/>
/// (the same implementation the AI tools use) in the server's one conversation; its result becomes a
/// <see cref="CallToolResult"/> with text and image blocks, and <see cref="CallToolResult.IsError"/> set for errors.
/// </summary>
[McpServerToolType]
internal sealed class McpTools(SandboxTools tools)
{
    // The timeouts are plain numbers with defaults (120 s, 300 s), as in the reference schema; a nullable parameter would
    // publish the type ["number", "null"]. The defaults are those of ExecutionClientOptions.DefaultTimeout and
    // IpyBoxOptions.PackageInstallTimeout.

    /// <summary>Requests longer than this many seconds (about 31 years) mean "no limit"; they would overflow a time span.</summary>
    private const double LongestSeconds = 1e9;

    [McpServerTool(Name = "execute_ipython_cell", Destructive = true, OpenWorld = true)]
    [Description("""
        Execute Python code in a stateful IPython kernel running in a sandboxed container and return its output.
        Variables, imports and definitions persist between calls until `reset` is called. The working directory is /app.
        IPython features work: magics (%timeit), shell commands (!ls) and `!pip install` (where the sandbox has network).
        Returns the text output (stdout, stderr and the value of the last expression) and any images the code
        displays, such as matplotlib figures; long output is truncated in the middle. If the code raises an exception,
        the result is an error that names the exception and carries the output produced before it and the end of the traceback.
        """)]
    public async Task<CallToolResult> ExecuteIpythonCellAsync(
        [Description("The Python code to execute, as one cell.")] string code,
        [Description("Seconds the code may run; after that the kernel is interrupted (its state is kept) and an error is returned.")] double timeout = 120,
        CancellationToken cancellationToken = default) =>
        ToCallToolResult(await tools.ExecuteAsync(McpServerHost.ConversationKey, code, Seconds(timeout), cancellationToken));

    [McpServerTool(Name = "install_packages", Destructive = true, OpenWorld = true)]
    [Description("""
        Install Python packages with pip into the sandbox's kernel environment. Installed packages stay available
        after `reset`. Each entry is a requirement specifier such as `requests` or `pandas>=2`, or the path of a wheel
        or source archive inside the sandbox (relative to /app). Options (entries starting with '-') are refused.
        Returns pip's output; the result is an error when pip fails.
        """)]
    public async Task<CallToolResult> InstallPackagesAsync(
        [Description("The packages to install, one requirement specifier or sandbox path per entry.")] string[] packages,
        [Description("Seconds the installation may take.")] double timeout = 300,
        CancellationToken cancellationToken = default) =>
        ToCallToolResult(await tools.InstallPackagesAsync(McpServerHost.ConversationKey, packages, Seconds(timeout), cancellationToken));

    [McpServerTool(Name = "upload_file", Destructive = true)]
    [Description("""
        Copy a file from the host into the sandbox, so code run with `execute_ipython_cell` can read it.
        The host file must lie inside one of the directories this server was allowed to use.
        Missing directories in the sandbox are created and an existing file is replaced.
        """)]
    public async Task<CallToolResult> UploadFileAsync(
        [Description("The target path in the sandbox, relative to its working directory /app (e.g. 'data/input.csv').")] string relpath,
        [Description("The absolute path of the file on the host.")] string local_path,
        CancellationToken cancellationToken = default) =>
        NoDirectoryAllowed() ?? ToCallToolResult(await tools.UploadAsync(McpServerHost.ConversationKey, local_path, relpath, cancellationToken));

    [McpServerTool(Name = "download_file", Destructive = true)]
    [Description("""
        Copy a file from the sandbox to the host, e.g. a result or plot that code wrote.
        The host path must lie inside one of the directories this server was allowed to use; missing parent
        directories are created and an existing file is replaced.
        """)]
    public async Task<CallToolResult> DownloadFileAsync(
        [Description("The file in the sandbox, relative to its working directory /app (e.g. 'output/result.csv').")] string relpath,
        [Description("The absolute path on the host to write the file to.")] string local_path,
        CancellationToken cancellationToken = default) =>
        NoDirectoryAllowed() ?? ToCallToolResult(await tools.DownloadFileAsync(McpServerHost.ConversationKey, relpath, local_path, cancellationToken));

    [McpServerTool(Name = "reset", Destructive = true, Idempotent = true)]
    [Description("""
        Restart the Python environment with a fresh kernel: all variables, imports and definitions are cleared.
        Files in the sandbox and installed packages are kept.
        """)]
    public async Task<CallToolResult> ResetAsync(CancellationToken cancellationToken = default) =>
        ToCallToolResult(await tools.ResetAsync(McpServerHost.ConversationKey, cancellationToken));

    /// <summary>Maps a tool outcome to MCP: text blocks, image blocks, and the error flag.</summary>
    internal static CallToolResult ToCallToolResult(SandboxToolResult result) => new()
    {
        Content = [.. result.Contents.Select(content => content.ToContentBlock())],
        IsError = result.IsError,
    };

    /// <summary>A seconds argument as a time span; what is not a positive number becomes zero, which the tools refuse with a readable error.</summary>
    internal static TimeSpan Seconds(double seconds) =>
        !(seconds > 0) ? TimeSpan.Zero
        : seconds >= LongestSeconds ? Timeout.InfiniteTimeSpan
        : TimeSpan.FromSeconds(seconds);

    /// <summary>The server's own hint when it was started without <c>--allowed-dir</c>; <see langword="null"/> when file transfer is possible.</summary>
    private CallToolResult? NoDirectoryAllowed() => tools.HostPaths.IsEmpty
        ? new CallToolResult
        {
            Content = [new TextContentBlock { Text = "Error: no host directory is allowed for file transfer; start the server with --allowed-dir <directory>." }],
            IsError = true,
        }
        : null;
}
