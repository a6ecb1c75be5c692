using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpyBox.AI.Cli.Tests.Serve;

/// <summary>
/// Clients of <c>ipybox serve</c> other than the MCP C# SDK's: the MCP TypeScript SDK's streamable HTTP client (a node script),
/// and clients of older protocol revisions that begin with <c>initialize</c>, spoken as raw JSON-RPC over HTTP.
/// </summary>
public sealed class ServeClientCompatibilityTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public Task DisposeAsync() => ServeProcess.RemoveSandboxesAsync(_runId);

    [Fact]
    public async Task The_TypeScript_SDK_client_creates_a_sandbox_runs_cells_and_deletes_it_with_a_bearer_token()
    {
        await using var server = await ServeProcess.StartAsync(_runId, "--network", "none");

        var run = await NodeClient.RunAsync(server.Endpoint, ServeProcess.Tokens["bob"]);

        Assert.True(run.ExitCode == 0, $"node client failed ({run.ExitCode}):\n{run.Stderr}\n{run.Stdout}\nserver:\n{server.Stderr}");
        var report = JsonDocument.Parse(run.Stdout.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal("ipybox", report.GetProperty("server").GetString());
        Assert.Contains("execute_ipython_cell", report.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["42", "43"], report.GetProperty("cells").EnumerateArray().Select(c => c.GetString()));
        Assert.True(report.GetProperty("errorCell").GetProperty("isError").GetBoolean());
        Assert.Contains("ZeroDivisionError", report.GetProperty("errorCell").GetProperty("text").GetString(), StringComparison.Ordinal);
        var id = report.GetProperty("sandboxId").GetString();
        Assert.Equal([id], report.GetProperty("listed").EnumerateArray().Select(s => s.GetString()));
        Assert.True(report.GetProperty("deleted").GetBoolean());
        Assert.False(await DockerEngine.ContainerExistsAsync(id!));
    }

    [Fact]
    public async Task The_TypeScript_SDK_client_with_a_wrong_token_is_refused()
    {
        await using var server = await ServeProcess.StartAsync(_runId);

        var run = await NodeClient.RunAsync(server.Endpoint, "not-a-token-of-anyone-0000");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("401", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clients_of_revisions_2024_11_05_to_2025_11_25_are_served_after_initialize_and_2026_07_28_has_no_handshake()
    {
        await using var server = await ServeProcess.StartAsync(_runId, "--network", "none");
        using var http = new HttpClient();
        string[] older = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];

        foreach (var version in older)
        {
            var initialized = await PostAsync(http, server, null, "initialize", new JsonObject
            {
                ["protocolVersion"] = version,
                ["capabilities"] = new JsonObject(),
                ["clientInfo"] = new JsonObject { ["name"] = "raw", ["version"] = "1" },
            });
            Assert.Equal(version, initialized.GetProperty("result").GetProperty("protocolVersion").GetString());
        }

        // A revision older than the SDK knows is answered with the newest revision that has a handshake; the client decides.
        var ancient = await PostAsync(http, server, null, "initialize", new JsonObject
        {
            ["protocolVersion"] = "2024-10-07",
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "raw", ["version"] = "1" },
        });
        Assert.Equal("2025-11-25", ancient.GetProperty("result").GetProperty("protocolVersion").GetString());

        // One sandbox, its calls made under each older revision in turn: stateless, so no session ties them together.
        var created = await PostAsync(http, server, older[0], "tools/call", new JsonObject { ["name"] = "create_sandbox", ["arguments"] = new JsonObject() });
        var id = System.Text.RegularExpressions.Regex.Match(ResultText(created), "[0-9a-f]{64}").Value;
        Assert.NotEmpty(id);
        var counter = 0;
        foreach (var version in older)
        {
            var cell = await PostAsync(http, server, version, "tools/call", new JsonObject
            {
                ["name"] = "execute_ipython_cell",
                ["arguments"] = new JsonObject { ["sandbox_id"] = id, ["code"] = counter == 0 ? "n = 1\nprint(n)" : "n += 1\nprint(n)" },
            });
            counter++;
            Assert.Equal(counter.ToString(System.Globalization.CultureInfo.InvariantCulture), ResultText(cell).Trim());
        }

        // Revision 2026-07-28 removed initialize: such a handshake is refused with the revisions that have one.
        var current = await PostAsync(http, server, null, "initialize", new JsonObject
        {
            ["protocolVersion"] = "2026-07-28",
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "raw", ["version"] = "1" },
        });
        Assert.Equal(-32022, current.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(older, current.GetProperty("error").GetProperty("data").GetProperty("supported").EnumerateArray().Select(v => v.GetString()));

        // A revision the SDK does not know is refused, naming the one it serves without a handshake.
        var unknown = await PostAsync(http, server, "2099-01-01", "tools/call", new JsonObject { ["name"] = "list_sandboxes", ["arguments"] = new JsonObject() });
        Assert.Equal(-32022, unknown.GetProperty("error").GetProperty("code").GetInt32());

        // The legacy HTTP+SSE transport of 2024-11-05 (a GET stream) is not served.
        using var get = new HttpRequestMessage(HttpMethod.Get, server.Endpoint);
        get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServeProcess.Tokens["alice"]);
        get.Headers.Accept.ParseAdd("text/event-stream");
        using var stream = await http.SendAsync(get);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, stream.StatusCode);
    }

    private static string ResultText(JsonElement response) =>
        string.Join('\n', response.GetProperty("result").GetProperty("content").EnumerateArray().Select(c => c.GetProperty("text").GetString()));

    /// <summary>Posts one JSON-RPC request as alice and returns the response, read from JSON or from the SSE stream's one message.</summary>
    private static async Task<JsonElement> PostAsync(HttpClient http, ServeProcess server, string? protocolVersion, string method, JsonObject parameters)
    {
        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = method, ["params"] = parameters };
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServeProcess.Tokens["alice"]);
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        if (protocolVersion is not null)
        {
            request.Headers.Add("MCP-Protocol-Version", protocolVersion);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
            ? text.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l["data:".Length..].Trim()).Last(l => l.Contains("\"id\"", StringComparison.Ordinal))
            : text;
        return JsonDocument.Parse(json).RootElement.Clone();
    }
}
