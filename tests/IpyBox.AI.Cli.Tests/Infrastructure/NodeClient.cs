using System.Diagnostics;

namespace IpyBox.AI.Cli.Tests;

/// <summary>
/// The MCP TypeScript SDK client of <c>tests/node-client</c>, run with the machine's <c>node</c>. Its packages are installed
/// with <c>npm ci</c> from the committed lock file the first time a test needs them.
/// </summary>
public static class NodeClient
{
    private static readonly SemaphoreSlim s_install = new(1, 1);

    /// <summary>Gets the folder of the client script and its <c>package.json</c>.</summary>
    public static string Directory { get; } = Repository.Combine("tests", "node-client");

    /// <summary>Runs <c>client.mjs</c> against an endpoint with a bearer token.</summary>
    /// <returns>Its exit code, stdout and stderr.</returns>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(Uri endpoint, string token)
    {
        await EnsureInstalledAsync();
        return await RunAsync("node", ["client.mjs", endpoint.ToString()], new Dictionary<string, string> { ["IPYBOX_TOKEN"] = token });
    }

    private static async Task EnsureInstalledAsync()
    {
        await s_install.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(Directory, "node_modules", "@modelcontextprotocol", "sdk", "package.json")))
            {
                return;
            }

            var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], environment: null);
            Assert.True(install.ExitCode == 0, $"npm ci failed in {Directory}:\n{install.Stdout}\n{install.Stderr}");
        }
        finally
        {
            s_install.Release();
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string fileName, string[] arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
