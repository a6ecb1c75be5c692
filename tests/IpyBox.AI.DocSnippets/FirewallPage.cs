namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/firewall.md.</summary>
internal static class FirewallPage
{
    public static async Task RunAsync()
    {
        // <allow-list>
        await using var container = await ExecutionContainer.StartAsync();

        var result = await container.InitFirewallAsync(["pypi.org", "files.pythonhosted.org", "10.20.0.0/16", "203.0.113.7"]);
        foreach (var warning in result.Warnings)
        {
            Console.WriteLine($"warning: {warning}");        // e.g. a name that did not resolve: it stays blocked
        }

        await container.InitFirewallAsync([]);               // again: replaces the rules; empty blocks everything
        // </allow-list>

        // <offline>
        // No outbound traffic from the first cell on.
        await using var offline = await ExecutionContainer.StartAsync(new ExecutionContainerOptions { DisableNetwork = true });
        // </offline>
    }
}
