using Docker.DotNet.Models;

namespace IpyBox.AI;

/// <summary>
/// The network sandboxes run on unless <see cref="ExecutionContainerOptions.Network"/> names another: a bridge network
/// the library creates on each engine on first use, with traffic between its containers switched off, so one sandbox
/// cannot open a connection to another (the default bridge lets it). The host still reaches each sandbox through its
/// published port, and sandboxes keep their outbound access (restricted by the firewall or <c>DisableNetwork</c>).
/// </summary>
/// <remarks>
/// An engine before API 1.44 lets two networks share a name, and then refuses to start a container on either. So
/// creation goes through the <see cref="EngineCreationGate"/> in this process, and when processes raced anyway, every one
/// keeps the oldest network and removes the others while they are still empty.
/// </remarks>
internal static class SandboxNetwork
{
    /// <summary>The network's name on every engine.</summary>
    public const string Name = "ipybox-sandboxes";

    private static readonly string[] s_labels = [$"{ContainerLabels.Managed}=true"];

    /// <summary>Returns the id of the engine's sandbox network, creating it when it does not exist.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="engineAddress">The engine's address, which keys the creation gate.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The network's id.</returns>
    public static async Task<string> EnsureAsync(DockerOperations engine, Uri engineAddress, CancellationToken cancellationToken)
    {
        var found = await engine.ListNetworksAsync(Name, s_labels, cancellationToken).ConfigureAwait(false);
        if (found.Count == 1)
        {
            return found[0];
        }

        if (found.Count == 0)
        {
            await EngineCreationGate.Shared.CreateOnceAsync(
                engineAddress,
                $"network {Name}",
                async ct => (await engine.ListNetworksAsync(Name, s_labels, ct).ConfigureAwait(false)).Count > 0,
                ct => engine.CreateNetworkAsync(Parameters(), ct),
                cancellationToken).ConfigureAwait(false);
            found = await engine.ListNetworksAsync(Name, s_labels, cancellationToken).ConfigureAwait(false);
        }

        for (var i = 1; i < found.Count; i++)
        {
            await engine.RemoveNetworkAsync(found[i], cancellationToken).ConfigureAwait(false);
        }

        return found.Count > 0
            ? found[0]
            : throw new DockerUnavailableException($"The engine did not keep the network {Name} the library created for its sandboxes.");
    }

    private static NetworksCreateParameters Parameters() => new()
    {
        Name = Name,
        Driver = "bridge",
        Labels = new Dictionary<string, string>(StringComparer.Ordinal) { [ContainerLabels.Managed] = "true" },
        Options = new Dictionary<string, string>(StringComparer.Ordinal) { ["com.docker.network.bridge.enable_icc"] = "false" },
    };
}
