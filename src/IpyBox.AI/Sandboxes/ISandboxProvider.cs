namespace IpyBox.AI;

/// <summary>
/// Creates sandboxes. The Docker backend (<see cref="DockerSandboxProvider"/>) starts a container per sandbox; the
/// Jupyter-server backend (<see cref="JupyterServerSandboxProvider"/>) starts a kernel on an existing server. Features such as a warm pool
/// wrap a provider (<see cref="DelegatingSandboxProvider"/>) instead of changing it.
/// </summary>
public interface ISandboxProvider
{
    /// <summary>Creates a sandbox with a running kernel.</summary>
    /// <param name="request">What the sandbox is for; <see langword="null"/> for an anonymous sandbox.</param>
    /// <param name="cancellationToken">Cancels the creation; whatever was started is removed.</param>
    /// <returns>The sandbox; the caller disposes it.</returns>
    /// <exception cref="IpyBoxException">The sandbox could not be created (no engine, no image, server unreachable...).</exception>
    Task<ISandbox> CreateAsync(SandboxRequest? request = null, CancellationToken cancellationToken = default);

    /// <summary>Asks the provider for an object of the given type, e.g. an inner provider of a decorator.</summary>
    /// <param name="serviceType">The type of object requested.</param>
    /// <param name="serviceKey">An optional key to tell objects of the same type apart.</param>
    /// <returns>The object, or <see langword="null"/> when the provider has none.</returns>
    object? GetService(Type serviceType, object? serviceKey = null);
}
