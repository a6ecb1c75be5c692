using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>
/// The tools every sandbox of a session manager gets: <see cref="IpyBoxOptions.HostToolSets"/> and the tools of
/// <see cref="IpyBoxOptions.McpServers"/>. The servers are connected once, for the first sandbox (a failed attempt is
/// tried again for the next one), and closed when the manager is disposed.
/// </summary>
internal sealed class DefaultHostTools(IpyBoxOptions options, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private List<McpServerConnection>? _connections;
    private IReadOnlyList<HostToolSet>? _sets;
    private int _disposed;

    /// <summary>Gets a value indicating whether there is nothing to register.</summary>
    public bool IsEmpty => options.HostToolSets.Count == 0 && options.McpServers.Count == 0;

    /// <summary>Registers the tools on a new sandbox.</summary>
    /// <exception cref="McpServerException">An MCP server could not be started or reached.</exception>
    public async Task<IReadOnlyList<HostToolRegistration>> RegisterAsync(ISandbox sandbox, CancellationToken cancellationToken)
    {
        if (IsEmpty)
        {
            return [];
        }

        var sets = await GetSetsAsync(cancellationToken).ConfigureAwait(false);
        List<HostToolRegistration> registrations = [];
        try
        {
            foreach (var set in sets)
            {
                registrations.Add(await sandbox.AddHostToolsAsync(set, options.ToolBridge, cancellationToken).ConfigureAwait(false));
            }

            return registrations;
        }
        catch
        {
            registrations.ForEach(r => r.Dispose());
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var connection in _connections ?? [])
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IReadOnlyList<HostToolSet>> GetSetsAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_sets is null)
            {
                var connecting = options.McpServers.Select(server => McpServerConnection.ConnectAsync(server, loggerFactory, cancellationToken)).ToList();
                try
                {
                    await Task.WhenAll(connecting).ConfigureAwait(false);
                }
                catch
                {
                    foreach (var connected in connecting.Where(t => t.IsCompletedSuccessfully))
                    {
                        await connected.Result.DisposeAsync().ConfigureAwait(false);
                    }

                    // The first failure, not the aggregate, so the caller sees which server failed and why.
                    throw;
                }

                _connections = [.. connecting.Select(t => t.Result)];
                _sets = [.. options.HostToolSets, .. _connections.Select(c => c.ToolSet)];
            }

            return _sets;
        }
        finally
        {
            _gate.Release();
        }
    }
}
