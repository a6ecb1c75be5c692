using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace IpyBox.AI.Cli.Mcp;

/// <summary>
/// The code execution tools of <c>ipybox mcp</c>. Names and parameters follow the reference implementation so existing client
/// configurations and prompts keep working.
/// </summary>
[McpServerToolType]
internal sealed class SandboxTools(Sandbox sandbox, ILogger<SandboxTools> logger)
{
    [McpServerTool(Name = "execute_ipython_cell", Destructive = true, OpenWorld = true)]
    [Description("""
        Execute Python code in a stateful IPython kernel running in a sandboxed container and return its output.
        Variables, imports and definitions persist between calls until `reset` is called. The working directory is /app.
        IPython features work: magics (%timeit), shell commands (!ls) and `!pip install` (where the sandbox has network).
        Returns the text output (stdout, stderr and the value of the last expression) and any images the code
        displays, such as matplotlib figures. If the code raises an exception, the result is an error that carries
        the output produced before the exception followed by the traceback.
        """)]
    public async Task<CallToolResult> ExecuteIpythonCellAsync(
        [Description("The Python code to execute, as one cell.")] string code,
        [Description("Seconds the code may run; after that the kernel is interrupted (its state is kept) and an error is returned.")] double timeout = 120,
        CancellationToken cancellationToken = default)
    {
        McpLog.ToolCalled(logger, "execute_ipython_cell");
        if (timeout <= 0)
        {
            return ToolResults.Error("timeout must be a positive number of seconds.");
        }

        return await RunAsync(code, TimeSpan.FromSeconds(timeout), cancellationToken).ConfigureAwait(false);
    }

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
        CancellationToken cancellationToken = default)
    {
        McpLog.ToolCalled(logger, "install_packages");
        if (packages is null || packages.Length == 0 || packages.Any(string.IsNullOrWhiteSpace))
        {
            return ToolResults.Error("Give at least one package, each a non-empty requirement specifier.");
        }

        if (packages.FirstOrDefault(p => p.TrimStart().StartsWith('-')) is { } option)
        {
            return ToolResults.Error($"'{option}' is a pip option; only requirement specifiers and paths are accepted.");
        }

        if (timeout <= 0)
        {
            return ToolResults.Error("timeout must be a positive number of seconds.");
        }

        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(packages)));
        var code = $$"""
            def __ipybox_install(encoded):
                import base64, json, subprocess, sys
                packages = json.loads(base64.b64decode(encoded).decode())
                done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-input", *packages], capture_output=True, text=True)
                print((done.stdout + done.stderr).strip())
                if done.returncode != 0:
                    raise RuntimeError(f"pip install exited with code {done.returncode}")
            try:
                __ipybox_install("{{encoded}}")
            finally:
                del __ipybox_install
            """;
        return await RunAsync(code, TimeSpan.FromSeconds(timeout), cancellationToken).ConfigureAwait(false);
    }

    [McpServerTool(Name = "reset", Destructive = true, Idempotent = true)]
    [Description("""
        Restart the Python environment with a fresh kernel: all variables, imports and definitions are cleared.
        Files in the sandbox and installed packages are kept.
        """)]
    public async Task<CallToolResult> ResetAsync(CancellationToken cancellationToken = default)
    {
        McpLog.ToolCalled(logger, "reset");
        try
        {
            await sandbox.ResetAsync(cancellationToken).ConfigureAwait(false);
            return ToolResults.Success("The kernel was reset: variables are cleared; files and installed packages are kept.");
        }
        catch (Exception ex) when (IsSandboxFailure(ex, cancellationToken))
        {
            McpLog.ToolFailed(logger, ex);
            return ToolResults.Error($"The kernel could not be reset: {ex.Message}");
        }
    }

    private Task<CallToolResult> RunAsync(string code, TimeSpan timeout, CancellationToken cancellationToken) =>
        UseSandboxAsync(
            async (client, _) =>
            {
                try
                {
                    return ToolResults.Success(await client.ExecuteAsync(code, timeout, cancellationToken).ConfigureAwait(false));
                }
                catch (ExecutionException ex)
                {
                    return ToolResults.PythonError(ex);
                }
                catch (TimeoutException ex)
                {
                    return ToolResults.Error(ex.Message);
                }
            },
            cancellationToken);

    private async Task<CallToolResult> UseSandboxAsync(Func<ExecutionClient, ExecutionContainer, Task<CallToolResult>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await sandbox.UseAsync(action, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsSandboxFailure(ex, cancellationToken))
        {
            McpLog.ToolFailed(logger, ex);
            return ToolResults.Error(string.Create(CultureInfo.InvariantCulture, $"The sandbox is not available: {ex.Message}"));
        }
    }

    /// <summary>Anything but the client's own cancellation reaches the model as a readable error result.</summary>
    internal static bool IsSandboxFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested;
}
