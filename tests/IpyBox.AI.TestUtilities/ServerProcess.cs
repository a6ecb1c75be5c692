using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace IpyBox.AI.TestUtilities;

/// <summary>
/// A server program run as a separate process, as an operator runs it: what it writes (both streams) is kept, it is ready
/// once an address of it answers 200, SIGTERM stops it as a service manager or Ctrl+C does, and disposing kills it.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServerProcess(Process process) => _process = process;

    /// <summary>Gets what the program wrote so far, stdout and stderr as they came.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>
    /// Starts the program (<paramref name="start"/>'s streams are redirected here) and waits until <paramref name="readiness"/>
    /// answers 200, for at most a minute; fails with what it wrote when it ends or does not answer in time.
    /// </summary>
    /// <param name="name">The program's name, for the errors.</param>
    /// <param name="start">How to start it.</param>
    /// <param name="readiness">An address that answers 200 once the program serves.</param>
    public static async Task<ServerProcess> StartAsync(string name, ProcessStartInfo start, Uri readiness)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var server = new ServerProcess(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {name}."));
        server._process.OutputDataReceived += (_, e) => { if (e.Data is not null) { server._output.Enqueue(e.Data); } };
        server._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { server._output.Enqueue(e.Data); } };
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();

        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            if (server._process.HasExited)
            {
                throw new InvalidOperationException($"{name} ended with exit code {server._process.ExitCode}:\n{server.Output}");
            }

            try
            {
                if ((await http.GetAsync(readiness)).StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new TimeoutException($"{name} did not answer {readiness} in time:\n{server.Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Sends SIGTERM to the program.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-s", "TERM", _process.Id.ToString(CultureInfo.InvariantCulture) } })
            ?? throw new InvalidOperationException("Could not run kill.");
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -s TERM {_process.Id} failed with exit code {kill.ExitCode}.");
        }
    }

    /// <summary>Waits for the program to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
