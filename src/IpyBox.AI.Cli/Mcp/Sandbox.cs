using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI.Cli.Mcp;

/// <summary>
/// The one container and kernel behind the MCP server. It starts in the background when the host starts, so the
/// client's first call does not pay for it, and is removed when the host stops (client gone, SIGINT or SIGTERM).
/// Every use goes through one gate: tool calls run one at a time.
/// </summary>
internal sealed class Sandbox(McpServerSettings settings, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<Sandbox>();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task _startup = Task.FromException(new InvalidOperationException("The sandbox has not been started."));
    private ExecutionContainer? _container;
    private ExecutionClient? _client;
    private int _disposed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        McpLog.StartingSandbox(_logger);
        _startup = Task.Run(() => StartCoreAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    /// <summary>Runs <paramref name="action"/> with exclusive use of the sandbox, once it is ready.</summary>
    /// <exception cref="Exception">Whatever made the sandbox fail to start.</exception>
    public async Task<T> UseAsync<T>(Func<ExecutionClient, ExecutionContainer, Task<T>> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _startup.WaitAsync(cancellationToken).ConfigureAwait(false);
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var container = _container!;

            // After a failed reset there is no kernel: the next call gets a fresh one.
            _client ??= await ConnectAsync(container, cancellationToken).ConfigureAwait(false);
            return await action(_client, container).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Replaces the kernel with a fresh one; files in the container and installed packages stay.</summary>
    public Task ResetAsync(CancellationToken cancellationToken) => UseAsync<bool>(
        async (client, container) =>
        {
            await client.DisposeAsync().ConfigureAwait(false);
            _client = null;
            _client = await ConnectAsync(container, cancellationToken).ConfigureAwait(false);
            McpLog.KernelReset(_logger);
            return true;
        },
        cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        McpLog.StoppingSandbox(_logger);
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _startup.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Startup failed or was cancelled; whatever it created is removed below.
        }

        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }

        if (_container is not null)
        {
            await _container.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            settings.Container.Progress ??= new Progress(_logger);
            var container = new ExecutionContainer(settings.Container, loggerFactory);
            _container = container;
            await container.RunAsync(cancellationToken).ConfigureAwait(false);
            if (settings.AllowedDomains.Count > 0)
            {
                // Before the kernel exists, so no cell ever runs without the firewall.
                var firewall = await container.InitFirewallAsync(settings.AllowedDomains, cancellationToken).ConfigureAwait(false);
                McpLog.FirewallOn(_logger, string.Join(", ", firewall.Allowed));
                foreach (var warning in firewall.Warnings)
                {
                    McpLog.FirewallWarning(_logger, warning);
                }
            }

            var client = new ExecutionClient(container, loggerFactory: loggerFactory);
            _client = client;
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            McpLog.SandboxReady(_logger, clock.Elapsed.TotalSeconds, container.ContainerId!);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            McpLog.SandboxFailed(_logger, ex);
            throw;
        }
    }

    private Task<ExecutionClient> ConnectAsync(ExecutionContainer container, CancellationToken cancellationToken) =>
        ExecutionClient.CreateAsync(container, loggerFactory: loggerFactory, cancellationToken: cancellationToken);

    /// <summary>Logs image build or pull progress (the first launch may build the image).</summary>
    private sealed class Progress(ILogger logger) : IProgress<ImageProgress>
    {
        public void Report(ImageProgress value) => McpLog.ImageProgress(logger, value.Message);
    }
}
