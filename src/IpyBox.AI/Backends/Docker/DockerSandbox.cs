namespace IpyBox.AI;

/// <summary>A sandbox in a Docker container: the container, its kernel, and its files through the engine's archive API.</summary>
internal sealed class DockerSandbox : KernelSandbox
{
    private readonly ExecutionContainer _container;

    public DockerSandbox(ExecutionContainer container, ResettableKernel kernel, ResourceClient files)
        : base(container.ContainerId ?? throw new InvalidOperationException("The container has not been started."), kernel, files)
    {
        _container = container;
    }

    protected override IEnumerable<object> BackendServices => [_container];

    /// <summary>Gets a value indicating whether the container outlives this object (durable, or attached to), so its kernel must stay too.</summary>
    protected override bool KeepsKernel => !_container.RemovesOnDispose;

    /// <summary>Checks that the container is running.</summary>
    protected override Task CheckBackendAsync(CancellationToken cancellationToken) => _container.ThrowIfNotRunningAsync(cancellationToken);

    /// <summary>Removes the container.</summary>
    protected override ValueTask DisposeBackendAsync() => _container.DisposeAsync();
}
