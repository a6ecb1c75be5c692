namespace IpyBox.AI;

/// <summary>
/// The OCI runtime a sandbox container runs under, as the engine knows it, and what that changes for the container:
/// under gVisor the engine's init is left out, because the image's own init must be PID 1 there.
/// </summary>
internal sealed record SandboxRuntime
{
    /// <summary>The file name of gVisor's runtime binary.</summary>
    public const string GvisorBinary = "runsc";

    /// <summary>Gets the engine's default runtime, asked nothing about.</summary>
    public static SandboxRuntime EngineDefault { get; } = new() { Name = null, IsGvisor = false };

    /// <summary>Gets the runtime's name as the engine knows it, or <see langword="null"/> for the engine's default.</summary>
    public string? Name { get; init; }

    /// <summary>Gets a value indicating whether the runtime is gVisor (its binary is <c>runsc</c>).</summary>
    public bool IsGvisor { get; init; }

    /// <summary>
    /// Looks <paramref name="name"/> up among the engine's runtimes; <see langword="null"/> asks the engine nothing and means its default.
    /// </summary>
    /// <exception cref="ContainerStartException">The engine knows no runtime of that name; the message lists those it knows and how to add one.</exception>
    public static async Task<SandboxRuntime> ResolveAsync(DockerOperations engine, string? name, CancellationToken cancellationToken)
    {
        if (name is null)
        {
            return EngineDefault;
        }

        var runtimes = await engine.GetRuntimesAsync(cancellationToken).ConfigureAwait(false);
        if (!runtimes.TryGetValue(name, out var path))
        {
            var known = runtimes.Count == 0 ? "none" : string.Join(", ", runtimes.Keys.Order(StringComparer.Ordinal));
            throw new ContainerStartException(
                $"The engine at {engine.Endpoint.Uri} knows no runtime '{name}' (it knows: {known}). Register the runtime in the engine's " +
                "daemon.json under \"runtimes\" and reload the engine (eng/prepare-docker.sh --gvisor does this for gVisor's runsc), " +
                "or set ExecutionContainerOptions.Runtime to one the engine knows, or to null for its default.");
        }

        return new SandboxRuntime { Name = name, IsGvisor = IsGvisorBinary(path) || name == GvisorBinary };
    }

    /// <summary>Tells whether a runtime's binary is gVisor's: its file name is <c>runsc</c>.</summary>
    internal static bool IsGvisorBinary(string path) =>
        string.Equals(Path.GetFileName(path.TrimEnd('/')), GvisorBinary, StringComparison.Ordinal);
}
