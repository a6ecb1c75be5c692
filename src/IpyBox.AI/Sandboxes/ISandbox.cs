namespace IpyBox.AI;

/// <summary>
/// One IPython kernel and the files under its <c>/app</c> directory, wherever it runs: a Docker container
/// (<see cref="DockerSandboxProvider"/>), a Jupyter Server or Enterprise Gateway (<see cref="JupyterServerSandboxProvider"/>),
/// or anything else a provider creates. Executions share the kernel's state; <see cref="ResetAsync"/> replaces the kernel.
/// </summary>
/// <remarks>
/// Obtain sandboxes from an <see cref="ISandboxProvider"/>. Disposing a sandbox deletes its kernel and releases whatever the
/// backend holds for it (the Docker backend removes the container). Implementations are safe to call concurrently; the
/// kernel runs one execution at a time in the order they were submitted.
/// </remarks>
public interface ISandbox : IAsyncDisposable
{
    /// <summary>Gets the sandbox's identity: the container id for Docker, the kernel id for a Jupyter server.</summary>
    string Id { get; }

    /// <summary>Gets the files under <c>/app</c>, the kernel's working directory.</summary>
    ISandboxFiles Files { get; }

    /// <summary>Submits code for execution and returns at once; stream or await the <see cref="Execution"/>.</summary>
    /// <param name="code">The Python code.</param>
    /// <param name="timeout">The time limit from now; <see langword="null"/> for the backend's <see cref="ExecutionClientOptions.DefaultTimeout"/>. On expiry the kernel is interrupted and its state kept.</param>
    /// <param name="cancellationToken">Cancels the submission.</param>
    /// <returns>The running execution.</returns>
    /// <exception cref="SandboxUnavailableException">The kernel can no longer be reached.</exception>
    Task<Execution> SubmitAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces the kernel with a fresh one: variables, imports and definitions are gone; files in <c>/app</c> stay.</summary>
    /// <param name="cancellationToken">Cancels the reset.</param>
    /// <returns>A task that completes when the new kernel answers.</returns>
    /// <exception cref="SandboxUnavailableException">No new kernel could be started.</exception>
    Task ResetAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a handler for kernel messages that belong to no execution's output: stdin requests (<c>input()</c> in a cell) and comm messages.</summary>
    /// <param name="handler">The handler; it is kept across <see cref="ResetAsync"/>.</param>
    /// <returns>A registration that removes the handler when disposed.</returns>
    IDisposable AddMessageHandler(IJupyterMessageHandler handler);

    /// <summary>Asks the sandbox for an object of the given type, e.g. the <see cref="ExecutionContainer"/> behind a Docker sandbox.</summary>
    /// <param name="serviceType">The type of object requested.</param>
    /// <param name="serviceKey">An optional key to tell objects of the same type apart.</param>
    /// <returns>The object, or <see langword="null"/> when the sandbox has none.</returns>
    object? GetService(Type serviceType, object? serviceKey = null);
}
