using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <content>Clients of the container's kernels, told when the container stops and why a kernel died.</content>
public sealed partial class ExecutionContainer
{
    /// <summary>Creates a client for a new kernel in this container; <see cref="ExecutionClient.ConnectAsync"/> creates the kernel.</summary>
    /// <param name="options">The client settings; <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for no logging.</param>
    /// <returns>The client, not yet connected. Its <see cref="ExecutionClient.ConnectAsync"/> throws a
    /// <see cref="ContainerStartException"/> with the container's logs when the container stops while its server starts.</returns>
    /// <exception cref="InvalidOperationException">The container has not been started.</exception>
    public ExecutionClient CreateClient(ExecutionClientOptions? options = null, ILoggerFactory? loggerFactory = null) =>
        CreateClient(options, loggerFactory, KernelHost, handlers: null);

    /// <summary>Creates a client for a new kernel in this container and connects it; the client is disposed when connecting fails.</summary>
    /// <param name="options">The client settings; <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for no logging.</param>
    /// <param name="cancellationToken">Cancels the connection.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="InvalidOperationException">The container has not been started.</exception>
    /// <exception cref="TimeoutException">The server did not answer in time.</exception>
    /// <exception cref="ContainerStartException">The container stopped while the server was starting.</exception>
    public Task<ExecutionClient> ConnectClientAsync(ExecutionClientOptions? options = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default) =>
        ExecutionClient.ConnectNewAsync(CreateClient(options, loggerFactory), cancellationToken);

    /// <summary>Gets what the kernels' clients are told about this container: when it stopped, and why a kernel died.</summary>
    internal KernelServerHost KernelHost => new()
    {
        FindServerGone = FindStoppedAsync,
        ExplainKernelDeath = ExplainKernelDeathAsync,
    };

    /// <summary>Creates a client for a new kernel in this container.</summary>
    internal ExecutionClient CreateClient(ExecutionClientOptions? options, ILoggerFactory? loggerFactory, KernelServerHost host, JupyterMessageHandlers? handlers) =>
        new(ServerUri, Token, options, loggerFactory, host, handlers);

    /// <summary>Returns the <see cref="ContainerStartException"/> (with the container's logs) that says why the container stopped, or <see langword="null"/> while it runs.</summary>
    private async Task<Exception?> FindStoppedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ThrowIfNotRunningAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (ContainerStartException stopped)
        {
            return stopped;
        }
    }
}
