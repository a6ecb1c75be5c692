using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace IpyBox.AI;

/// <content>The outbound firewall.</content>
public sealed partial class ExecutionContainer
{
    private const string FirewallScript = "/usr/local/bin/init-firewall.sh";

    /// <summary>
    /// Restricts the container's outbound traffic to <paramref name="allowed"/>: domain names (resolved once, now),
    /// IPv4 addresses and IPv4 CIDR ranges. DNS to the container's resolvers stays allowed, the kernel server keeps
    /// working, IPv6 egress is blocked, and an empty list blocks all outbound traffic. Calling it again replaces
    /// the rules (connections already open stay open).
    /// </summary>
    /// <remarks>
    /// The rules are installed by a short-lived helper container that joins the sandbox's network namespace with
    /// <c>NET_ADMIN</c>; the sandbox itself holds no capabilities, so code in it cannot change or remove them.
    /// Needs an image that runs as a non-root user (the default).
    /// </remarks>
    /// <param name="allowed">The allowed destinations.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>What is allowed now, and warnings such as names that did not resolve (they stay blocked).</returns>
    /// <exception cref="ArgumentException">An entry is neither a domain name, an IPv4 address nor an IPv4 CIDR range.</exception>
    /// <exception cref="FirewallException">The image runs as root, or the firewall script failed (its output is included).</exception>
    /// <exception cref="InvalidOperationException">
    /// The container has not been started, or it is durable (<see cref="IsDurable"/>): a durable sandbox keeps the rules it was
    /// created with (<see cref="ExecutionContainerOptions.FirewallAllowList"/>) and applies them again whenever it is started after
    /// a stop, so rules changed later would silently be lost at its next start, and are refused.
    /// </exception>
    public async Task<FirewallResult> InitFirewallAsync(IEnumerable<string> allowed, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(allowed);
        var arguments = FirewallArguments(allowed);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (IsDurable)
        {
            throw new InvalidOperationException(
                $"Sandbox {ContainerId} is durable: it keeps the firewall it was created with across stop and resume, and rules changed " +
                "now would be lost at its next start. Set the allowed destinations when creating it (ExecutionContainerOptions.FirewallAllowList).");
        }

        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Firewall = await ApplyFirewallCoreAsync(arguments, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Runs the firewall script with <paramref name="arguments"/> in a helper container that shares the sandbox's network namespace.</summary>
    private async Task<FirewallResult> ApplyFirewallCoreAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var id = ContainerId ?? throw new InvalidOperationException("The container has not been started; call RunAsync first.");
        if (_runsAsRoot)
        {
            throw new FirewallException(
                $"The image {Image} runs its kernels as root, and root could undo any firewall. Use an image that runs as an " +
                "unprivileged user (the default runtime image; 'ipybox build' without --root).");
        }

        var parameters = new CreateContainerParameters
        {
            Image = Image,
            User = "root",
            Entrypoint = [FirewallScript],
            Cmd = [.. arguments],
            Labels = ContainerLabels.For(Image, []),
            HostConfig = new HostConfig
            {
                NetworkMode = $"container:{id}",
                CapDrop = ["ALL"],
                CapAdd = ["NET_ADMIN", "NET_RAW"],
                SecurityOpt = ["no-new-privileges"],
            },
        };

        var helper = await Engine.CreateContainerAsync(parameters, cancellationToken).ConfigureAwait(false);
        try
        {
            try
            {
                await Engine.StartContainerAsync(helper, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException ex)
            {
                throw new FirewallException(
                    $"The firewall could not start from image {Image}: {ex.ResponseBody?.Trim()}. The image needs {FirewallScript}, iptables and ipset (the runtime image has them).",
                    ex);
            }

            var exitCode = await Engine.WaitContainerAsync(helper, cancellationToken).ConfigureAwait(false);
            var (stdout, stderr) = await Engine.ReadLogsAsync(helper, tail: null, cancellationToken).ConfigureAwait(false);
            if (exitCode != 0)
            {
                throw new FirewallException(
                    $"The firewall script failed in container {Short(id)} (exit code {exitCode}); outbound traffic may be restricted only partly.",
                    (stdout + stderr).Trim());
            }

            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var result = new FirewallResult(
                [.. lines.Where(l => l.StartsWith("allowed ", StringComparison.Ordinal)).Select(l => l["allowed ".Length..])],
                [.. lines.Where(l => l.StartsWith("WARNING: ", StringComparison.Ordinal)).Select(l => l["WARNING: ".Length..])],
                (stdout + stderr).Trim());
            foreach (var warning in result.Warnings)
            {
                Log.FirewallWarning(_logger, id, warning);
            }

            Log.FirewallApplied(_logger, id, result.Allowed.Count);
            return result;
        }
        finally
        {
            try
            {
                await Engine.RemoveContainerAsync(helper, CancellationToken.None).ConfigureAwait(false);
            }
            catch (DockerApiException)
            {
                // Gone already; a leftover would carry the managed label and be found by cleanup.
            }
        }
    }

    private List<string> FirewallArguments(IEnumerable<string> allowed) =>
        [.. Options.DnsServers.Select(server => "--dns-server=" + server), .. allowed.Select(ValidateFirewallEntry)];

    /// <summary>Checks one allow-list entry and returns it trimmed.</summary>
    /// <exception cref="ArgumentException">The entry is neither a domain name, an IPv4 address nor an IPv4 CIDR range.</exception>
    internal static string ValidateFirewallEntry(string entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            throw new ArgumentException("A firewall entry is empty; give a domain name, an IPv4 address or an IPv4 CIDR range.", nameof(entry));
        }

        var value = entry.Trim();
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var address = slash < 0 ? value : value[..slash];
        if (IPAddress.TryParse(address, out var ip) && (address.Contains(':', StringComparison.Ordinal) || address.Count(c => c == '.') == 3))
        {
            if (ip.AddressFamily != AddressFamily.InterNetwork)
            {
                throw new ArgumentException($"'{entry}' is an IPv6 address; IPv6 egress is always blocked. Give IPv4 addresses, ranges or names.", nameof(entry));
            }

            if (slash >= 0 && !(int.TryParse(value[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) && prefix is >= 0 and <= 32))
            {
                throw new ArgumentException($"'{entry}' has an invalid prefix length; use 0-32, e.g. 10.0.0.0/24.", nameof(entry));
            }

            return value;
        }

        if (slash >= 0 || !DomainName().IsMatch(value))
        {
            throw new ArgumentException(
                $"'{entry}' is neither a domain name (e.g. example.com, without scheme or port), an IPv4 address nor an IPv4 CIDR range.", nameof(entry));
        }

        return value;
    }

    [GeneratedRegex("^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\\.?$")]
    private static partial Regex DomainName();
}
