using System.Diagnostics;
using System.Net;
using ModelContextProtocol.Client;

namespace IpyBox.AI.Cli.Tests.Serve;

/// <summary>
/// <c>ipybox serve</c> in its own container next to the engine: the image of <c>eng/build-serve-image.sh</c> (cached by content),
/// run with the engine's socket mounted and the host's network, tokens from a mounted file; an MCP client runs a cell through it.
/// </summary>
public sealed class ServeContainerTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();
    private readonly TempDirectory _directory = new("ipybox-serve-image-");

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public async Task DisposeAsync()
    {
        // The service's container carries the run's label too, so this removes it with its sandboxes.
        await ServeProcess.RemoveSandboxesAsync(_runId);
        _directory.Dispose();
    }

    [Fact]
    public async Task The_service_image_serves_a_cell_with_the_engine_socket_mounted()
    {
        var build = await RunAsync("bash", [Repository.Combine("eng", "build-serve-image.sh")], TimeSpan.FromMinutes(15));
        Assert.True(build.ExitCode == 0, $"the image build failed:\n{build.Stderr}");
        var tag = build.Stdout.Trim().Split('\n')[^1];
        Assert.StartsWith("ipybox-serve:", tag, StringComparison.Ordinal);

        var tokens = _directory.Combine("tokens.txt");
        await File.WriteAllTextAsync(tokens, $"alice: {ServeProcess.Tokens["alice"]}\n");
        var port = LoopbackPort.Free();
        var run = await RunAsync("docker", [
            "run", "-d", "--network", "host",
            "--label", $"{DockerEngine.TestLabel}={_runId}",
            "-v", "/var/run/docker.sock:/var/run/docker.sock",
            "-v", $"{tokens}:/run/secrets/ipybox-tokens:ro",
            tag,
            "--urls", $"http://127.0.0.1:{port}",
            "--tokens-file", "/run/secrets/ipybox-tokens",
            "--label", $"{DockerEngine.TestLabel}={_runId}",
            "--network", "none",
        ], TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, $"docker run failed:\n{run.Stderr}");
        var container = run.Stdout.Trim();

        var endpoint = new Uri($"http://127.0.0.1:{port}/mcp");
        await WaitForHealthAsync(endpoint, container);
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = endpoint,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {ServeProcess.Tokens["alice"]}" },
        }));

        var id = await ServeProcess.CreateSandboxAsync(client);
        await ServeProcess.ExecuteAsync(client, id, "import socket\nname = socket.gethostname()");
        Assert.Equal("42", (await ServeProcess.ExecuteAsync(client, id, "print(6 * 7)")).Trim());

        // The sandbox is a sibling on the host's engine, not inside the service's container.
        Assert.True(await DockerEngine.ContainerExistsAsync(id));
        Assert.NotEqual(container, id);
        var logs = await RunAsync("docker", ["logs", container], TimeSpan.FromMinutes(1));
        Assert.Contains("for 1 principals with bearer tokens", logs.Stderr + logs.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(ServeProcess.Tokens["alice"], logs.Stderr + logs.Stdout, StringComparison.Ordinal);
    }

    private static async Task WaitForHealthAsync(Uri endpoint, string container)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            try
            {
                if ((await http.GetAsync(new Uri(endpoint, "/healthz"))).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                var logs = await RunAsync("docker", ["logs", container], TimeSpan.FromMinutes(1));
                throw new TimeoutException($"The service's container did not answer /healthz:\n{logs.Stdout}\n{logs.Stderr}");
            }

            await Task.Delay(200);
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string fileName, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
