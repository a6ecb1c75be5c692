using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace IpyBox.AI;

/// <summary>
/// The REST calls of the Jupyter-server backend besides the kernels API (which <see cref="ExecutionClient"/> owns): the
/// server check and the Contents API (<c>api/contents</c>). Every transport or HTTP failure becomes one of the library's
/// errors here: unreachable → <see cref="SandboxUnavailableException"/>, token refused → <see cref="IpyBoxException"/>,
/// anything else the server refuses → <see cref="IOException"/> with the server's message.
/// </summary>
internal sealed class JupyterServerApi : IDisposable
{
    private const long MaxModelBytes = 64L << 20;
    private const int MaxMessageBytes = 16 * 1024;
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly TimeSpan _requestTimeout;
    private volatile bool _hasContentsApi;

    public JupyterServerApi(Uri serverUri, string token, TimeSpan requestTimeout)
    {
        ServerUri = ServerAddress.Normalize(serverUri);
        // A redirect means a login page or a wrong prefix (or a kernel that took over the server): it is reported, never followed.
        // Bounded per request, answer and body together (see WithinTimeoutAsync): the client's own timeout ends at the headers.
        _requestTimeout = requestTimeout;
        _http = new HttpClient(SandboxServerHttp.CreateHandler(s_connectTimeout))
        {
            BaseAddress = ServerUri,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", token);
    }

    public Uri ServerUri { get; }

    /// <summary>Checks that the server answers, accepts the token and offers the kernel spec <paramref name="kernelName"/>.</summary>
    /// <exception cref="SandboxUnavailableException">The server cannot be reached, or serves no Jupyter API at the address.</exception>
    /// <exception cref="IpyBoxException">The server refused the token or has no such kernel spec.</exception>
    /// <exception cref="TimeoutException">The answer did not arrive whole within the request timeout.</exception>
    public Task CheckServerAsync(string kernelName, CancellationToken cancellationToken) =>
        WithinTimeoutAsync("list its kernel specs", path: null, ct => AsTrue(CheckServerCoreAsync(kernelName, ct)), cancellationToken);

    /// <summary>Returns the model of <paramref name="path"/> without content, or <see langword="null"/> when it does not exist.</summary>
    /// <exception cref="NotSupportedException">The server has no Contents API.</exception>
    /// <exception cref="FileTransferTimeoutException">The answer did not arrive whole within the request timeout.</exception>
    public Task<ContentsEntry?> GetEntryAsync(string path, CancellationToken cancellationToken) =>
        WithinTimeoutAsync($"read {Describe(path)}", Describe(path), ct => GetEntryCoreAsync(path, ct), cancellationToken);

    /// <summary>Returns the entries of the directory <paramref name="path"/>, or <see langword="null"/> when it does not exist.</summary>
    /// <exception cref="FileTransferTimeoutException">The answer did not arrive whole within the request timeout.</exception>
    public Task<IReadOnlyList<ContentsEntry>?> ListAsync(string path, CancellationToken cancellationToken) =>
        WithinTimeoutAsync($"list {Describe(path)}", Describe(path), ct => ListCoreAsync(path, ct), cancellationToken);

    /// <summary>
    /// Downloads the file <paramref name="path"/> into <paramref name="destination"/>. The response is read whole (the API
    /// sends the file as one base64 JSON string) but never more than the base64 form of <paramref name="maxBytes"/>, and
    /// never for longer than the request timeout.
    /// </summary>
    /// <returns>The outcome: the file's model and the number of bytes written, or why nothing was written.</returns>
    /// <exception cref="NotSupportedException">The file is larger than <paramref name="maxBytes"/>.</exception>
    /// <exception cref="FileTransferTimeoutException">The answer did not arrive whole within the request timeout.</exception>
    public Task<ContentsDownload> DownloadAsync(string path, Stream destination, long maxBytes, CancellationToken cancellationToken) =>
        WithinTimeoutAsync($"read {Describe(path)}", Describe(path), ct => DownloadCoreAsync(path, destination, maxBytes, ct), cancellationToken);

    /// <summary>Writes the local file <paramref name="localPath"/> (<paramref name="length"/> bytes) to <paramref name="path"/>, replacing a file there.</summary>
    /// <exception cref="TimeoutException">The upload and its answer did not complete within the request timeout.</exception>
    public Task UploadAsync(string path, string localPath, long length, CancellationToken cancellationToken) =>
        WithinTimeoutAsync($"write {Describe(path)}", path: null, ct => AsTrue(UploadCoreAsync(path, localPath, length, ct)), cancellationToken);

    /// <summary>Creates the directory <paramref name="path"/> (its parent must exist); harmless when it exists.</summary>
    /// <exception cref="TimeoutException">The answer did not arrive whole within the request timeout.</exception>
    public Task CreateDirectoryAsync(string path, CancellationToken cancellationToken) =>
        WithinTimeoutAsync($"create {Describe(path)}", path: null, ct => AsTrue(CreateDirectoryCoreAsync(path, ct)), cancellationToken);

    /// <summary>Deletes <paramref name="path"/>; returns <see langword="false"/> when it does not exist.</summary>
    /// <exception cref="TimeoutException">The answer did not arrive whole within the request timeout.</exception>
    public Task<bool> DeleteAsync(string path, CancellationToken cancellationToken) =>
        WithinTimeoutAsync($"delete {Describe(path)}", path: null, ct => DeleteCoreAsync(path, ct), cancellationToken);

    private async Task CheckServerCoreAsync(string kernelName, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/kernelspecs", UriKind.Relative));
        using var response = await SendAsync(request, "list its kernel specs", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new SandboxUnavailableException(
                $"{ServerUri} answers but serves no Jupyter API there (404 for api/kernelspecs). " +
                "Check the path prefix of JupyterServerOptions.ServerUri: it must be the server's base_url.");
        }

        await ThrowIfFailedAsync(response, "list its kernel specs", cancellationToken).ConfigureAwait(false);
        JsonDocument document;
        try
        {
            document = await ReadJsonAsync(response, MaxModelBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new SandboxUnavailableException($"{ServerUri} answers, but not as a Jupyter server: {ex.Message} Check JupyterServerOptions.ServerUri.", ex);
        }

        using var scope = document;
        if (document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("kernelspecs", out var specs)
            && specs.ValueKind == JsonValueKind.Object
            && !specs.TryGetProperty(kernelName, out _))
        {
            var offered = string.Join(", ", specs.EnumerateObject().Select(p => p.Name));
            throw new IpyBoxException(
                $"The Jupyter server at {ServerUri} has no kernel spec '{kernelName}'; it offers: {(offered.Length == 0 ? "none" : offered)}. " +
                "Set JupyterServerOptions.Client.KernelName to one of them.");
        }
    }

    private async Task<ContentsEntry?> GetEntryCoreAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ContentsUri(path, "content=0"));
        using var response = await SendAsync(request, $"read {Describe(path)}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            await ThrowIfNoContentsApiAsync(path, cancellationToken).ConfigureAwait(false);
            return null;
        }

        await ThrowIfFailedAsync(response, $"read {Describe(path)}", cancellationToken).ConfigureAwait(false);
        using var document = await ReadJsonAsync(response, MaxModelBytes, cancellationToken).ConfigureAwait(false);
        _hasContentsApi = true;
        return ContentsEntry.Parse(document.RootElement);
    }

    private async Task<IReadOnlyList<ContentsEntry>?> ListCoreAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ContentsUri(path, "type=directory&content=1"));
        using var response = await SendAsync(request, $"list {Describe(path)}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await ThrowIfFailedAsync(response, $"list {Describe(path)}", cancellationToken).ConfigureAwait(false);
        using var document = await ReadJsonAsync(response, MaxModelBytes, cancellationToken).ConfigureAwait(false);
        if (!document.RootElement.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"The Jupyter server listed {Describe(path)} without its entries.");
        }

        return [.. content.EnumerateArray().Select(ContentsEntry.Parse)];
    }

    private async Task<ContentsDownload> DownloadCoreAsync(string path, Stream destination, long maxBytes, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ContentsUri(path, "type=file&format=base64&content=1"));
        using var response = await SendAsync(request, $"read {Describe(path)}", cancellationToken).ConfigureAwait(false);
        switch (response.StatusCode)
        {
            case HttpStatusCode.NotFound:
                return new ContentsDownload(ContentsDownloadStatus.Missing, null, 0);
            case HttpStatusCode.BadRequest:
                // "Cannot read non-file": a link to nothing, to a FIFO or to a device.
                return new ContentsDownload(ContentsDownloadStatus.Unreadable, null, 0);
        }

        await ThrowIfFailedAsync(response, $"read {Describe(path)}", cancellationToken).ConfigureAwait(false);

        // base64 grows a file by 4/3; the server breaks lines every 76 characters, each break a two-byte "\n" in JSON.
        var encoded = Base64FileContent.EncodedLength(maxBytes);
        var limit = encoded + (2 * ((encoded / 76) + 1)) + (64 * 1024);
        var body = await SandboxServerHttp.ReadBoundedAsync(response.Content, limit, () => FileTooLarge(Describe(path), length: null, maxBytes), cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(body);
        var entry = ContentsEntry.Parse(document.RootElement);
        if (!document.RootElement.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != "base64")
        {
            throw new IOException($"The Jupyter server sent {Describe(path)} in a format other than the base64 that was asked for; its contents manager does not support binary downloads.");
        }

        var written = await JsonBase64.DecodeAsync(FindContent(body), destination, cancellationToken).ConfigureAwait(false);
        return new ContentsDownload(ContentsDownloadStatus.Done, entry, written);
    }

    private async Task UploadCoreAsync(string path, string localPath, long length, CancellationToken cancellationToken)
    {
        using var content = new Base64FileContent(localPath, length);
        using var request = new HttpRequestMessage(HttpMethod.Put, ContentsUri(path, query: null)) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(request, $"write {Describe(path)}", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (content.ReadError is { } readError && ex is not OperationCanceledException)
        {
            throw readError;
        }

        using (response)
        {
            await ThrowIfFailedAsync(response, $"write {Describe(path)}", cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CreateDirectoryCoreAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, ContentsUri(path, query: null))
        {
            Content = new StringContent("""{"type":"directory"}""", Encoding.UTF8, "application/json"),
        };
        using var response = await SendAsync(request, $"create {Describe(path)}", cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, $"create {Describe(path)}", cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> DeleteCoreAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, ContentsUri(path, query: null));
        using var response = await SendAsync(request, $"delete {Describe(path)}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await ThrowIfFailedAsync(response, $"delete {Describe(path)}", cancellationToken).ConfigureAwait(false);
        return true;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Tells a missing path from a missing API after a 404: a gateway that serves kernels only (Jupyter Enterprise or Kernel
    /// Gateway) answers 404 for every contents path, the root included. Asked until the API has answered once.
    /// </summary>
    private async Task ThrowIfNoContentsApiAsync(string path, CancellationToken cancellationToken)
    {
        if (_hasContentsApi)
        {
            return;
        }

        if (path.Length > 0)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, ContentsUri(string.Empty, "content=0"));
            using var response = await SendAsync(request, "read /app", cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                _hasContentsApi = response.IsSuccessStatusCode;
                return;
            }
        }

        throw new NotSupportedException(
            $"The server at {ServerUri} has no Contents API (api/contents answers 404), so this sandbox has no file access. " +
            "Jupyter Enterprise Gateway and Kernel Gateway serve kernels only; files need a Jupyter Server, or the Docker backend.");
    }

    /// <summary>Returns the address of <paramref name="path"/> below <c>api/contents</c>, relative to the server's base address, each segment escaped.</summary>
    internal static Uri ContentsUri(string path, string? query) => ServerAddress.PathBelow("api/contents", path, query);

    /// <summary>Finds the raw bytes (between the quotes, escapes unresolved) of the top-level <c>content</c> string.</summary>
    private static ReadOnlyMemory<byte> FindContent(ReadOnlyMemory<byte> body)
    {
        var reader = new Utf8JsonReader(body.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidDataException("The Jupyter server sent a file model that is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isContent = reader.ValueTextEquals("content"u8);
            reader.Read();
            if (isContent && reader.TokenType == JsonTokenType.String)
            {
                return body.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
            }

            reader.Skip();
        }

        throw new InvalidDataException("The Jupyter server sent a file model without its content.");
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, long limit, CancellationToken cancellationToken)
    {
        var body = await SandboxServerHttp.ReadBoundedAsync(
            response.Content,
            limit,
            () => new InvalidDataException($"The answer of the Jupyter server is larger than {limit >> 20} MiB."),
            cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The answer of the Jupyter server is not JSON.", ex);
        }
    }

    /// <summary>The error for a file above <see cref="JupyterServerOptions.MaxFileBytes"/>.</summary>
    internal static NotSupportedException FileTooLarge(string what, long? length, long maxBytes)
    {
        var size = length is { } known ? $"has {known.ToString(CultureInfo.InvariantCulture)} bytes, more than" : "is larger than";
        return new($"'{what}' {size} JupyterServerOptions.MaxFileBytes ({maxBytes.ToString(CultureInfo.InvariantCulture)} bytes). " +
            "The Contents API moves a whole file base64-encoded in one JSON body; raise MaxFileBytes if the server and this process can hold it, or split the file.");
    }

    private static string Describe(string path) => path.Length == 0 ? "/app" : $"/app/{path}";

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string action, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is null)
        {
            throw new SandboxUnavailableException(
                $"The Jupyter server at {ServerUri} cannot be reached to {action} ({ex.Message}). " +
                "Check JupyterServerOptions.ServerUri and that the server is running.", ex);
        }
    }

    /// <summary>
    /// Runs one call (its requests, their answers and bodies) within the request timeout. The server may be taken over by
    /// the code of a sandbox it runs, and a body that trickles or never ends is not bounded by the HTTP client's timeout,
    /// which ends with the headers.
    /// </summary>
    /// <param name="action">What the call does, for the message ("read /app/a.txt").</param>
    /// <param name="path">The sandbox path the call reads, which makes the error a <see cref="FileTransferTimeoutException"/>; <see langword="null"/> for a plain <see cref="TimeoutException"/>.</param>
    /// <param name="call">The call, given the token that ends at the timeout.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    private async Task<T> WithinTimeoutAsync<T>(string action, string? path, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_requestTimeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(_requestTimeout);
        }

        try
        {
            return await call(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested
            && ex is OperationCanceledException or IOException or HttpRequestException)
        {
            var message = string.Create(
                CultureInfo.InvariantCulture,
                $"The Jupyter server at {ServerUri} did not {action} within {_requestTimeout.TotalSeconds:0.#} s (JupyterServerOptions.RequestTimeout). ") +
                "Increase it for large files or a slow server; a server that trickles or never ends its answer is cut here.";
            throw path is null ? new TimeoutException(message, ex) : new FileTransferTimeoutException(message, path, _requestTimeout, ex);
        }
    }

    private static async Task<bool> AsTrue(Task task)
    {
        await task.ConfigureAwait(false);
        return true;
    }

    private async Task ThrowIfFailedAsync(HttpResponseMessage response, string action, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var code = (int)response.StatusCode;
        var status = string.Create(CultureInfo.InvariantCulture, $"{code} {response.ReasonPhrase}");
        var message = await ReadMessageAsync(response, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized
            || (response.StatusCode == HttpStatusCode.Forbidden && !message.StartsWith("Permission denied", StringComparison.Ordinal)))
        {
            throw new IpyBoxException(
                $"The Jupyter server at {ServerUri} refused the token ({status}). " +
                "Set JupyterServerOptions.Token to the server's token (its ServerApp.token, or the token= value of the URL it prints at start).",
                new UnauthorizedAccessException(message));
        }

        if (SandboxServerHttp.IsRedirect(response.StatusCode))
        {
            throw new SandboxUnavailableException(
                $"The Jupyter server at {ServerUri} redirected the request to {response.Headers.Location} ({status}): a login page or a wrong path prefix. " +
                "Check JupyterServerOptions.ServerUri.");
        }

        throw new IOException($"The Jupyter server could not {action} ({status}): {message}");
    }

    /// <summary>Reads the <c>message</c> of a Jupyter error body, or the start of a body that is not one.</summary>
    private static async Task<string> ReadMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> body;
        try
        {
            body = await SandboxServerHttp.ReadBoundedAsync(response.Content, MaxMessageBytes, () => new InvalidDataException(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or HttpRequestException)
        {
            return response.ReasonPhrase ?? string.Empty;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String)
            {
                return message.GetString() ?? string.Empty;
            }
        }
        catch (JsonException)
        {
            // Not a Jupyter error body: a proxy's page, for instance.
        }

        var text = Encoding.UTF8.GetString(body.Span).Trim();
        return text.Length > 200 ? text[..200] + "..." : text;
    }
}
