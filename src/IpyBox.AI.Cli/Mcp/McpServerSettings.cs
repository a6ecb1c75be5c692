namespace IpyBox.AI.Cli.Mcp;

/// <summary>What <c>ipybox mcp</c> was started with.</summary>
internal sealed class McpServerSettings
{
    public required ExecutionContainerOptions Container { get; init; }

    public required HostPathPolicy HostPaths { get; init; }

    /// <summary>Gets the domains, addresses and CIDR ranges the sandbox may reach; empty means no firewall (unless the network is disabled).</summary>
    public IReadOnlyList<string> AllowedDomains { get; init; } = [];
}
