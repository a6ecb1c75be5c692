using System.Net;

namespace IpyBox.AI.Cli.Serve;

/// <summary>Tells loopback listen addresses (<c>127.0.0.1</c>, <c>[::1]</c>, <c>localhost</c>) from those other machines can reach.</summary>
internal static class ListenAddresses
{
    /// <summary>Returns the addresses of <paramref name="urls"/> that are not loopback (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, a host name or address).</summary>
    /// <exception cref="ArgumentException">An address is not <c>http://host:port</c>.</exception>
    public static IReadOnlyList<string> NotLoopback(IEnumerable<string> urls) => [.. urls.Where(url => !IsLoopback(url))];

    private static bool IsLoopback(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw new ArgumentException($"--urls '{url}' must be http://HOST:PORT, e.g. {ServeOptions.DefaultUrl}.");
        }

        var authority = url[(schemeEnd + 3)..].Split('/')[0];
        string host;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? authority[1..close] : authority;
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            host = colon >= 0 ? authority[..colon] : authority;
        }

        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }
}
