using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace IpyBox.AI;

/// <summary>
/// The Jupyter Server kernels REST API: create, interrupt and delete kernels. The server may be the sandbox's own, which its
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
        using var response = await _http.PostAsync(new Uri("api/kernels", UriKind.Relative), body, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Lists the server's kernels, the most recently active first.</summary>
    /// <exception cref="HttpRequestException">The server is not reachable or answered with an error.</exception>
    /// <exception cref="UnauthorizedAccessException">The server refused the token.</exception>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri("api/kernels", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        ThrowIfRefused(response);
        SandboxServerHttp.EnsureSuccess(response, "list its kernels");
        var list = await SandboxServerHttp.ReadBoundedAsync(
            response.Content,
            MaxListBytes,
            () => new HttpRequestException($"The kernel server answered the list of kernels with more than {MaxListBytes / 1024} KiB."),
            cancellationToken).ConfigureAwait(false);
        using var document = ParseModel(list, JsonValueKind.Array, "the list of kernels", "a list of kernel models");
        return document.RootElement.EnumerateArray()
            .Select(model => (Id: KernelIdOf(model), Active: LastActivityOf(model)))
            .Where(kernel => kernel.Id is not null)
            .OrderByDescending(kernel => kernel.Active)
            .Select(kernel => kernel.Id!)
            .ToList();
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

    public async Task DeleteAsync(string kernelId, CancellationToken cancellationToken)
    {
        using var response = await _http.DeleteAsync(new Uri($"api/kernels/{Uri.EscapeDataString(kernelId)}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            SandboxServerHttp.EnsureSuccess(response, "delete the kernel");
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A kernel model's id; it goes into every later address, so only the characters of a kernel id (a UUID on a stock server) are taken.</summary>
    private static string? KernelIdOf(JsonElement model) =>
        model.ValueKind == JsonValueKind.Object
        && model.TryGetProperty("id", out var id)
        && id.ValueKind == JsonValueKind.String
        && id.GetString() is { Length: > 0 and <= 128 } value
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? value
            : null;

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

    private static void ThrowIfRefused(HttpResponseMessage response)
    {
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new UnauthorizedAccessException($"The kernel server refused the token ({(int)response.StatusCode} {response.StatusCode}).");
        }
    }
}
