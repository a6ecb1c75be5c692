namespace IpyBox.AI;

/// <summary>The outcome of <see cref="ExecutionContainer.InitFirewallAsync"/>.</summary>
public sealed class FirewallResult
{
    /// <summary>Initializes a new instance of the <see cref="FirewallResult"/> class.</summary>
    /// <param name="allowed">The networks now allowed, each as <c>entry</c> or <c>name (address)</c>.</param>
    /// <param name="warnings">Problems that did not stop the firewall, e.g. a name that did not resolve.</param>
    /// <param name="output">The firewall script's output.</param>
    public FirewallResult(IReadOnlyList<string> allowed, IReadOnlyList<string> warnings, string output)
    {
        Allowed = Throw.IfNull(allowed);
        Warnings = Throw.IfNull(warnings);
        Output = Throw.IfNull(output);
    }

    /// <summary>Gets the networks now allowed, each as <c>entry</c> or <c>name (address)</c> for a resolved name.</summary>
    public IReadOnlyList<string> Allowed { get; }

    /// <summary>Gets the problems that did not stop the firewall, e.g. a name that did not resolve (it stays blocked).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Gets the firewall script's output.</summary>
    public string Output { get; }
}
