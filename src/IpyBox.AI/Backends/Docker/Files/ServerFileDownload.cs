using System.Net;
using System.Net.Http.Headers;

namespace IpyBox.AI;

/// <summary>
/// Downloads one file of <c>/app</c> from a running sandbox through its kernel server's <c>/files/</c> endpoint. The
/// server runs as the kernel user, so it reads only what the sandbox's own code could read, as <c>tar</c> run through exec
/// does; it sends the bytes as they are, where exec output reaches the host in frames of at most 32 KiB that cost the
/// caller about 3 ms of CPU per MB to take apart (a 200 MiB file: about 1.5 GB/s against about 0.3 GB/s).
/// </summary>
internal static class ServerFileDownload
{
    private static readonly HttpClient s_http = new(CreateHandler())
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private static SocketsHttpHandler CreateHandler()
    {
        var handler = SandboxServerHttp.CreateHandler(TimeSpan.FromSeconds(5));
        handler.PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30);
        return handler;
    }

    /// <summary>Writes the file at <paramref name="absolutePath"/> (inside <c>/app</c>) to <paramref name="destination"/> when the server serves it.</summary>
    /// <param name="container">The container whose server serves the file.</param>
    /// <param name="absolutePath">The file, inside <c>/app</c>.</param>
    /// <param name="destination">The new local file to write.</param>
    /// <param name="mode">The permission bits to give it.</param>
    /// <param name="modifiedUtc">The modification time to give it.</param>
    /// <param name="guard">The bounds of the download: the body is read through it, and <paramref name="cancellationToken"/> is its token.</param>
    /// <param name="cancellationToken">Ends the download, waiting for the answer included.</param>
    /// <returns>
    /// <see langword="true"/> when the file was written; <see langword="false"/> when the server could not be reached or
    /// did not answer 200 (a stopped container, a server under a path prefix, a hidden file its settings refuse, a redirect,
    /// which is never followed): the caller then downloads it another way. A failure once the bytes are flowing is thrown,
    /// and so is the end of <paramref name="cancellationToken"/> while waiting for the answer: a server that does not answer
    /// is held to the same bounds as the body.
    /// </returns>
    public static async Task<bool> TryWriteAsync(
        ExecutionContainer container, string absolutePath, string destination, UnixFileMode mode, DateTime modifiedUtc, TransferGuard guard, CancellationToken cancellationToken)
    {
        var uri = new Uri(container.ServerUri, ServerAddress.PathBelow("files", absolutePath[(AppPath.Root.Length + 1)..]));
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("token", container.Token);
        HttpResponseMessage response;
        try
        {
            response = await s_http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }

            var body = guard.Watch(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
            await using (body.ConfigureAwait(false))
            {
                await LocalFileWriter.WriteAsync(destination, body, mode, modifiedUtc, cancellationToken).ConfigureAwait(false);
            }
        }

        return true;
    }
}
