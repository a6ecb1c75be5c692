using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI.Cli.Mcp;

/// <summary>
/// Starts the sandbox of the server's conversation in the background when the host starts, so the client's first call
/// does not pay for it, and removes it when the host stops (client gone, SIGINT or SIGTERM). If the start fails, the
/// error is logged and the next tool call tries again and reports what went wrong.
/// </summary>
internal sealed class SandboxLifetime(SandboxSessionManager sessions, ILogger<SandboxLifetime> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _startup = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        McpLog.StartingSandbox(logger);
        _startup = Task.Run(StartSandboxAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        McpLog.StoppingSandbox(logger);
        await _stopping.CancelAsync();

        // Removes the container, also one still starting (its creation is cancelled).
        await sessions.DisposeAsync();
        await _startup;
    }

    public void Dispose() => _stopping.Dispose();

    private async Task StartSandboxAsync()
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var session = await sessions.GetOrCreateAsync(McpServerHost.ConversationKey, _stopping.Token);
            McpLog.SandboxReady(logger, Stopwatch.GetElapsedTime(started).TotalSeconds, session.SandboxId);
            LogNetwork(session);
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            McpLog.SandboxFailed(logger, ex);
        }
        catch (Exception)
        {
            // The host is stopping; the sandbox is removed with the session manager.
        }
    }

    private void LogNetwork(SandboxSession session)
    {
        var firewall = session.Sandbox.GetService<ExecutionContainer>()?.Firewall;
        if (sessions.Options.Container.DisableNetwork)
        {
            McpLog.NetworkDisabled(logger);
        }
        else if (firewall is not null)
        {
            McpLog.FirewallOn(logger, string.Join(", ", firewall.Allowed));
        }
        else
        {
            McpLog.FirewallOff(logger);
        }

        foreach (var warning in firewall?.Warnings ?? [])
        {
            McpLog.FirewallWarning(logger, warning);
        }
    }
}
