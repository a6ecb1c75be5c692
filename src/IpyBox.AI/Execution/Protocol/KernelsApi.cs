using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace IpyBox.AI;

/// <summary>The Jupyter Server kernels REST API: create, interrupt and delete kernels.</summary>
internal sealed class KernelsApi : IDisposable
{
    private readonly HttpClient _http;

    public KernelsApi(Uri serverUri, string token)
    {
        BaseUri = ServerAddress.Normalize(serverUri);
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) })
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
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        return document.RootElement.GetProperty("id").GetString()
            ?? throw new HttpRequestException("The server's kernel model has no id.");
    }

    public async Task InterruptAsync(string kernelId, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync(new Uri($"api/kernels/{Uri.EscapeDataString(kernelId)}/interrupt", UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Restarts a kernel: the server shuts the process down (killing it if it does not stop) and starts a fresh one under the same id.</summary>
    /// <exception cref="HttpRequestException">The server is not reachable or answered with an error.</exception>
    public async Task RestartAsync(string kernelId, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync(new Uri($"api/kernels/{Uri.EscapeDataString(kernelId)}/restart", UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public async Task DeleteAsync(string kernelId, CancellationToken cancellationToken)
    {
        using var response = await _http.DeleteAsync(new Uri($"api/kernels/{Uri.EscapeDataString(kernelId)}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    public void Dispose() => _http.Dispose();

    private static void ThrowIfRefused(HttpResponseMessage response)
    {
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new UnauthorizedAccessException($"The kernel server refused the token ({(int)response.StatusCode} {response.StatusCode}).");
        }
    }
}
