using System.CommandLine;

namespace IpyBox.AI.Cli.Commands;

/// <summary>The options that say what network the sandboxes of a serving command get: <c>--network</c> and <c>--allowed-domain</c>.</summary>
/// <param name="sandboxes">How the help text names what the command serves ("the sandbox", "the sandboxes").</param>
internal sealed class NetworkArguments(string sandboxes)
{
    private readonly Option<string[]> _allowedDomains = new("--allowed-domain")
    {
        Description = $"A domain, IPv4 address or CIDR range {sandboxes} may reach; turns on the firewall (everything else is blocked). Repeatable.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string> _network = NetworkOption(sandboxes);

    public void AddTo(Command command)
    {
        command.Options.Add(_allowedDomains);
        command.Options.Add(_network);
    }

    /// <summary>Returns the error to print when the two options contradict each other, or <see langword="null"/>.</summary>
    public string? Conflict(ParseResult parse) =>
        parse.GetValue(_network) == "none" && (parse.GetValue(_allowedDomains) ?? []).Length > 0
            ? "error: --network none and --allowed-domain exclude each other."
            : null;

    /// <summary>Sets <see cref="ExecutionContainerOptions.DisableNetwork"/> and the firewall's allow list from the options.</summary>
    public void ApplyTo(ExecutionContainerOptions options, ParseResult parse)
    {
        options.DisableNetwork = parse.GetValue(_network) == "none";
        foreach (var domain in parse.GetValue(_allowedDomains) ?? [])
        {
            options.FirewallAllowList.Add(domain);
        }
    }

    private static Option<string> NetworkOption(string sandboxes)
    {
        var network = new Option<string>("--network")
        {
            Description = $"'none' cuts {sandboxes} off the network; 'default' leaves the network as Docker sets it up.",
            DefaultValueFactory = _ => "default",
        };
        network.AcceptOnlyFromAmong("default", "none");
        return network;
    }
}
