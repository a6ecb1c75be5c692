using System.Diagnostics;

namespace IpyBox.AI.TestUtilities;

/// <summary>Starts the test MCP server (<c>tests/IpyBox.AI.TestMcpServer</c>), copied next to the tests by the project reference.</summary>
public static class TestMcpServers
{
    /// <summary>Gets the server's assembly.</summary>
    public static string AssemblyPath { get; } = Path.Combine(AppContext.BaseDirectory, "IpyBox.AI.TestMcpServer.dll");

    /// <summary>Gets the <c>dotnet</c> host that runs the tests.</summary>
    public static string DotnetPath { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>Gets the marker files the hostile server's payloads would create if any of them ran.</summary>
    public static IReadOnlyList<string> HostileMarkerFiles => IpyBox.AI.TestMcpServer.HostileTools.MarkerFiles;

    /// <summary>The definition of the server over stdio, started by whoever connects.</summary>
    public static McpServerDefinition Stdio(string name, bool hostile = false) =>
        McpServerDefinition.Stdio(name, DotnetPath, hostile ? [AssemblyPath, "--hostile"] : [AssemblyPath]);

    /// <summary>Starts the server over streamable HTTP on 127.0.0.1 at a random port; dispose to stop it.</summary>
    /// <param name="hostile">Whether to serve the hostile tools.</param>
    /// <param name="requiredHeader">A header (<c>Name=Value</c>) without which requests are refused with 401.</param>
    public static async Task<HttpServer> StartHttpAsync(bool hostile = false, string? requiredHeader = null)
    {
        var start = new ProcessStartInfo(DotnetPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AssemblyPath);
        start.ArgumentList.Add("--http");
        if (hostile)
        {
            start.ArgumentList.Add("--hostile");
        }

        if (requiredHeader is not null)
        {
            start.ArgumentList.Add("--require-header");
            start.ArgumentList.Add(requiredHeader);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the test MCP server.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var line = await process.StandardOutput.ReadLineAsync(deadline.Token);
        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw new InvalidOperationException($"The test MCP server did not report its address (it wrote '{line}').");
        }

        return new HttpServer(process, new Uri(line["listening ".Length..]));
    }

    /// <summary>A running HTTP test server.</summary>
    public sealed class HttpServer(Process process, Uri url) : IAsyncDisposable
    {
        /// <summary>Gets the streamable HTTP endpoint.</summary>
        public Uri Url { get; } = url;

        /// <summary>Gets the legacy SSE endpoint.</summary>
        public Uri SseUrl { get; } = new(url + "/sse");

        public async ValueTask DisposeAsync()
        {
            try
            {
                process.StandardInput.Close();
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
            finally
            {
                process.Dispose();
            }
        }
    }
}
