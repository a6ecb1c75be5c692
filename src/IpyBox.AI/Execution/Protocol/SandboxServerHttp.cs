using System.Globalization;
using System.Net;

namespace IpyBox.AI;

/// <summary>
/// HTTP to a sandbox's kernel server. That server is inside the sandbox, where the sandbox's own code can take it over and
/// answer in its place, so nothing it sends may steer the host: redirects are never followed (a 3xx is a failure like any
/// other), no cookie is kept, headers and bodies are read up to a limit.
/// </summary>
internal static class SandboxServerHttp
{
    /// <summary>The most kilobytes of response headers read before the answer is refused.</summary>
    private const int MaxResponseHeadersKilobytes = 64;

    /// <summary>Creates the handler for every HTTP client and WebSocket handshake that talks to a kernel server.</summary>
    /// <param name="connectTimeout">How long opening a connection may take.</param>
    public static SocketsHttpHandler CreateHandler(TimeSpan connectTimeout) => new()
    {
        ConnectTimeout = connectTimeout,
        // A redirect would let whoever answers on the server's port make the host send its request (the DELETE of a
        // kernel, the GET of a file) anywhere the host can reach, and read back the answer: the Docker engine, another
        // sandbox, a cloud metadata service.
        AllowAutoRedirect = false,
        // A token-authenticated request needs no cookie (and with one, a Jupyter server would ask for an XSRF token).
        UseCookies = false,
        MaxResponseHeadersLength = MaxResponseHeadersKilobytes,
    };

    /// <summary>Throws unless <paramref name="response"/> is a success; a redirect is refused with an error that says so.</summary>
    /// <param name="response">The server's answer.</param>
    /// <param name="action">What was asked, for the message ("create a kernel").</param>
    /// <exception cref="HttpRequestException">The answer is not a 2xx.</exception>
    public static void EnsureSuccess(HttpResponseMessage response, string action)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var code = (int)response.StatusCode;
        var status = string.Create(CultureInfo.InvariantCulture, $"{code} {response.ReasonPhrase}");
        throw new HttpRequestException(
            IsRedirect(response.StatusCode)
                ? $"The kernel server answered the request to {action} with a redirect ({status}), which is never followed."
                : $"The kernel server could not {action} ({status}).",
            inner: null,
            response.StatusCode);
    }

    /// <summary>Whether <paramref name="status"/> is a 3xx.</summary>
    public static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400;

    /// <summary>Reads a whole body of at most <paramref name="limit"/> bytes.</summary>
    /// <param name="content">The body.</param>
    /// <param name="limit">The most bytes accepted.</param>
    /// <param name="tooLarge">Makes the error thrown when the body declares or turns out to have more.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(HttpContent content, long limit, Func<Exception> tooLarge, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is { } declared && declared > limit)
        {
            throw tooLarge();
        }

        var buffer = new byte[(int)Math.Min(content.Headers.ContentLength ?? 64 * 1024, limit) + 1];
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        throw tooLarge();
                    }

                    Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit + 1));
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.AsMemory(0, length);
                }

                length += read;
            }
        }
    }
}
