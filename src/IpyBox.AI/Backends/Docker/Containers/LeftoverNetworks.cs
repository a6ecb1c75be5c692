namespace IpyBox.AI;

/// <summary>
/// Finds and removes the library's networks that nothing needs: every network with the library's label that no container is
/// attached to, except the sandbox network sandboxes start on (the oldest of its name, which <see cref="SandboxNetwork"/>
/// keeps). That leaves duplicates of the sandbox network (processes that raced to create it on an engine before API 1.44)
/// and networks an earlier version or a removed setup left; a network with containers is never removed.
/// </summary>
internal static class LeftoverNetworks
{
    /// <summary>Lists the leftover networks that carry every one of <paramref name="labels"/>.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="labels">The label filters (the library's label among them).</param>
    /// <param name="sharedName">The name of the network sandboxes start on; its oldest network with <paramref name="labels"/> is kept.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The ids of the networks.</returns>
    public static async Task<IReadOnlyList<string>> ListAsync(DockerOperations engine, IEnumerable<string> labels, string sharedName, CancellationToken cancellationToken)
    {
        // The sandbox network is looked up after the unused ones: one created in between is then either not among them or
        // the one kept, never taken for a leftover.
        var unused = await engine.ListUnusedNetworksAsync(labels, cancellationToken).ConfigureAwait(false);
        var shared = await engine.ListNetworksAsync(sharedName, labels, cancellationToken).ConfigureAwait(false);
        var keep = shared.Count > 0 ? shared[0] : null;
        return [.. unused.Where(id => !string.Equals(id, keep, StringComparison.Ordinal))];
    }

    /// <summary>Removes the leftover networks (see <see cref="ListAsync"/>); the engine refuses to remove one a container joined meanwhile.</summary>
    /// <returns>The ids of the networks this call removed.</returns>
    public static async Task<IReadOnlyList<string>> RemoveAsync(DockerOperations engine, IEnumerable<string> labels, string sharedName, CancellationToken cancellationToken)
    {
        var removed = new List<string>();
        foreach (var id in await ListAsync(engine, labels, sharedName, cancellationToken).ConfigureAwait(false))
        {
            if (await engine.RemoveNetworkAsync(id, cancellationToken).ConfigureAwait(false))
            {
                removed.Add(id);
            }
        }

        return removed;
    }
}
