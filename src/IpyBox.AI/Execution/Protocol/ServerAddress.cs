using System.Text;

namespace IpyBox.AI;

/// <summary>Addresses of a Jupyter Server: its base address (scheme and path prefix) and the endpoints below it.</summary>
internal static class ServerAddress
{
    /// <summary>Checks that <paramref name="serverUri"/> is an absolute http(s) address and gives it a trailing slash, so relative endpoints keep its path prefix.</summary>
    /// <exception cref="ArgumentException">The address is not absolute http or https.</exception>
    public static Uri Normalize(Uri serverUri)
    {
        Throw.IfNull(serverUri);
        if (!serverUri.IsAbsoluteUri || serverUri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"'{serverUri}' is not an http or https address of a Jupyter server, e.g. http://127.0.0.1:8888/.", nameof(serverUri));
        }

        var builder = new UriBuilder(serverUri) { Query = string.Empty, Fragment = string.Empty };
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        return builder.Uri;
    }

    /// <summary>
    /// Returns the address of <paramref name="path"/> (segments separated by <c>/</c>) below <paramref name="endpoint"/>,
    /// relative to the server's base address, each segment escaped; <paramref name="query"/> is appended as it is.
    /// </summary>
    public static Uri PathBelow(string endpoint, string path, string? query = null)
    {
        var builder = new StringBuilder(endpoint);
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            builder.Append('/').Append(Uri.EscapeDataString(segment));
        }

        if (query is not null)
        {
            builder.Append('?').Append(query);
        }

        return new Uri(builder.ToString(), UriKind.Relative);
    }

    /// <summary>Returns the WebSocket address of a kernel's channels (<c>ws</c> for <c>http</c>, <c>wss</c> for <c>https</c>).</summary>
    public static Uri KernelChannels(Uri serverUri, string kernelId, string sessionId)
    {
        var builder = new UriBuilder(new Uri(serverUri, $"api/kernels/{Uri.EscapeDataString(kernelId)}/channels"))
        {
            Scheme = serverUri.Scheme == "https" ? "wss" : "ws",
            Query = $"session_id={sessionId}",
        };
        return builder.Uri;
    }
}
