using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace IpyBox.AI;

/// <summary>
/// The Jupyter Server kernels REST API: create, list, describe, interrupt, restart and delete kernels. The server may be the sandbox's own, which its
/// code can take over, so its answers are read as hostile (<see cref="SandboxServerHttp"/>): no redirect is followed and the
/// kernel model is read up to <see cref="MaxModelBytes"/>.
/// </summary>
internal sealed class KernelsApi : IDisposable
{
    /// <summary>The most bytes of a kernel model read; a real one has a few hundred.</summary>
    private const int MaxModelBytes = 64 * 1024;

    /// <summary>The most bytes of a kernel list read: room for hundreds of kernels, where a sandbox has one.</summary>
    private const int MaxListBytes = 1024 * 1024;

    private readonly HttpClient _http;

    public KernelsApi(Uri serverUri, string token)
    {
        BaseUri = ServerAddress.Normalize(serverUri);
        _http = new HttpClient(SandboxServerHttp.CreateHandler(TimeSpan.FromSeconds(5)))
        {
            BaseAddress = BaseUri,
            Timeout = TimeSpan.FromSeconds(30),
            // Bodies are read as they arrive, each up to its own bound; this is the backstop for any buffered read.
            MaxResponseContentBufferSize = MaxListBytes,
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", token);
    }

    public Uri BaseUri { get; }

    /// <summary>Creates a kernel; returns its id.</summary>
    /// <exception cref="HttpRequestException">The server is not reachable or answered with an error.</exception>
    /// <exception cref="UnauthorizedAccessException">The server refused the token.</exception>
    public async Task<string> CreateAsync(string kernelName, CancellationToken cancellationToken)
    {
        using var body = new StringContent(JsonSerializer.Serialize(new { name = kernelName }), Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Post, new Uri("api/kernels", UriKind.Relative), body, cancellationToken).ConfigureAwait(false);
        ThrowIfRefused(response);
        SandboxServerHttp.EnsureSuccess(response, "create a kernel");
        var model = await SandboxServerHttp.ReadBoundedAsync(
            response.Content,
            MaxModelBytes,
            () => new HttpRequestException($"The kernel server answered the creation of a kernel with more than {MaxModelBytes / 1024} KiB."),
            cancellationToken).ConfigureAwait(false);
        using var document = ParseModel(model, JsonValueKind.Object, "the creation of a kernel", "a kernel model");
        return KernelIdOf(document.RootElement) ?? throw new HttpRequestException("The server's kernel model has no usable id.");
    }

    /// <summary>Lists the ids of the server's kernels, the most recently active first.</summary>
    /// <exception cref="HttpRequestException">The server is not reachable or answered with an error.</exception>
    /// <exception cref="UnauthorizedAccessException">The server refused the token.</exception>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await ListModelsAsync(cancellationToken).ConfigureAwait(false)).Select(kernel => kernel.Id)];

    /// <summary>Lists the server's kernels, the most recently active first; entries without a usable id are left out.</summary>
    /// <exception cref="HttpRequestException">The server is not reachable or answered with an error.</exception>
    /// <exception cref="UnauthorizedAccessException">The server refused the token.</exception>
    public async Task<IReadOnlyList<KernelModel>> ListModelsAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, new Uri("api/kernels", UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        ThrowIfRefused(response);
        SandboxServerHttp.EnsureSuccess(response, "list its kernels");
        var list = await SandboxServerHttp.ReadBoundedAsync(
            response.Content,
            MaxListBytes,
            () => new HttpRequestException($"The kernel server answered the list of kernels with more than {MaxListBytes / 1024} KiB."),
            cancellationToken).ConfigureAwait(false);
        using var document = ParseModel(list, JsonValueKind.Array, "the list of kernels", "a list of kernel models");
        return document.RootElement.EnumerateArray()
            .Select(ModelOf)
            .OfType<KernelModel>()
            .OrderByDescending(kernel => kernel.LastActivity)
            .ToList();
    }

    /// <summary>Describes one kernel; <see langword="null"/> when the server has none with this id (or <paramref name="kernelId"/> is no kernel id).</summary>
    /// <exception cref="HttpRequestException">The server is not reachable or answered with an error.</exception>
    /// <exception cref="UnauthorizedAccessException">The server refused the token.</exception>
    public async Task<KernelModel?> GetAsync(string kernelId, CancellationToken cancellationToken)
    {
        if (!KernelModel.IsValidId(kernelId))
        {
            return null;
        }

        using var response = await SendAsync(HttpMethod.Get, KernelUri(kernelId), null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        ThrowIfRefused(response);
        SandboxServerHttp.EnsureSuccess(response, "describe a kernel");
        var model = await SandboxServerHttp.ReadBoundedAsync(
            response.Content,
            MaxModelBytes,
            () => new HttpRequestException($"The kernel server described a kernel with more than {MaxModelBytes / 1024} KiB."),
            cancellationToken).ConfigureAwait(false);
        using var document = ParseModel(model, JsonValueKind.Object, "the request for a kernel", "a kernel model");
        // The answer must be about the kernel asked for: a server that names another one is not believed.
        return ModelOf(document.RootElement) is { } found && string.Equals(found.Id, kernelId, StringComparison.Ordinal) ? found : null;
    }

    public async Task InterruptAsync(string kernelId, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync(new Uri($"api/kernels/{Uri.EscapeDataString(kernelId)}/interrupt", UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        SandboxServerHttp.EnsureSuccess(response, "interrupt the kernel");
    }

    /// <summary>Restarts a kernel: the server shuts the process down (killing it if it does not stop) and starts a fresh one under the same id.</summary>
    /// <exception cref="HttpRequestException">The server is not reachable or answered with an error.</exception>
    public async Task RestartAsync(string kernelId, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync(new Uri($"api/kernels/{Uri.EscapeDataString(kernelId)}/restart", UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        SandboxServerHttp.EnsureSuccess(response, "restart the kernel");
    }

    /// <summary>Shuts a kernel down and deletes it; returns <see langword="false"/> when the server has no kernel with this id.</summary>
    /// <exception cref="HttpRequestException">The server is not reachable or answered with an error.</exception>
    /// <exception cref="UnauthorizedAccessException">The server refused the token.</exception>
    public async Task<bool> DeleteAsync(string kernelId, CancellationToken cancellationToken)
    {
        if (!KernelModel.IsValidId(kernelId))
        {
            return false;
        }

        using var response = await _http.DeleteAsync(KernelUri(kernelId), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        ThrowIfRefused(response);
        SandboxServerHttp.EnsureSuccess(response, "delete the kernel");
        return true;
    }

    public void Dispose() => _http.Dispose();

    private static Uri KernelUri(string kernelId) => new($"api/kernels/{Uri.EscapeDataString(kernelId)}", UriKind.Relative);

    /// <summary>A kernel model's id; it goes into every later address, so only the characters of a kernel id (a UUID on a stock server) are taken.</summary>
    private static string? KernelIdOf(JsonElement model) =>
        model.ValueKind == JsonValueKind.Object
        && model.TryGetProperty("id", out var id)
        && id.ValueKind == JsonValueKind.String
        && id.GetString() is { } value
        && KernelModel.IsValidId(value)
            ? value
            : null;

    /// <summary>A kernel model, or <see langword="null"/> when it has no usable id; a name that is not a kernel spec's name is dropped.</summary>
    private static KernelModel? ModelOf(JsonElement model)
    {
        if (KernelIdOf(model) is not { } id)
        {
            return null;
        }

        var name = model.TryGetProperty("name", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
        return new KernelModel(id, KernelModel.IsValidName(name) ? name : null, LastActivityOf(model));
    }

    private static DateTimeOffset LastActivityOf(JsonElement model) =>
        model.ValueKind == JsonValueKind.Object
        && model.TryGetProperty("last_activity", out var text)
        && text.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(text.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var when)
            ? when
            : DateTimeOffset.MinValue;

    private static JsonDocument ParseModel(ReadOnlyMemory<byte> body, JsonValueKind kind, string what, string expected)
    {
        try
        {
            var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == kind)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
            // Reported below.
        }

        throw new HttpRequestException($"The kernel server answered {what} with something other than {expected}.");
    }

    /// <summary>Sends a request and returns once the headers are in, so that each body is read up to its own bound.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    private static void ThrowIfRefused(HttpResponseMessage response)
    {
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new UnauthorizedAccessException($"The kernel server refused the token ({(int)response.StatusCode} {response.StatusCode}).");
        }
    }
}
