using System.Text;
using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace IpyBox.AI.Cli.Tests.Serve;

/// <summary>The tools of <c>ipybox serve</c>, driven over streamable HTTP by the MCP C# SDK client with a bearer token.</summary>
public sealed class ServeToolTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public Task DisposeAsync() => ServeProcess.RemoveSandboxesAsync(_runId);

    [Fact]
    public async Task A_created_sandbox_keeps_state_draws_plots_moves_files_is_listed_and_deleted()
    {
        await using var server = await ServeProcess.StartAsync(_runId);
        await using var client = await server.ConnectAsync("alice");

        var tools = await client.ListToolsAsync();
        Assert.Equal(
            ["create_sandbox", "delete_sandbox", "download_file", "execute_ipython_cell", "install_packages", "list_files", "list_sandboxes", "pause_sandbox", "reset", "resume_sandbox", "upload_file"],
            tools.Select(t => t.Name).Order(StringComparer.Ordinal));

        var id = await ServeProcess.CreateSandboxAsync(client);
        await ServeProcess.ExecuteAsync(client, id, "x = 1");
        Assert.Equal("2", (await ServeProcess.ExecuteAsync(client, id, "print(x + 1)")).Trim());

        var plot = await ServeProcess.CallAsync(client, "execute_ipython_cell", new()
        {
            ["sandbox_id"] = id,
            ["code"] = "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [3, 1, 2])\nplt.show()",
        });
        Assert.NotEqual(true, plot.IsError);
        var image = Assert.Single(plot.Content.OfType<ImageContentBlock>());
        Assert.Equal("image/png", image.MimeType);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, image.DecodedData.ToArray()[..4]);

        // Files travel inline: text both ways, bytes as base64.
        var upload = await ServeProcess.CallAsync(client, "upload_file", new() { ["sandbox_id"] = id, ["path"] = "data/notes.txt", ["content"] = "héllo\nworld" });
        Assert.NotEqual(true, upload.IsError);
        Assert.Equal("héllo|world", (await ServeProcess.ExecuteAsync(client, id, "print('|'.join(open('data/notes.txt', encoding='utf-8').read().split()))")).Trim());
        await ServeProcess.ExecuteAsync(client, id, "open('blob.bin', 'wb').write(bytes(range(256)))");
        var text = Assert.IsType<TextResourceContents>(Assert.Single((await ServeProcess.CallAsync(client, "download_file", new() { ["sandbox_id"] = id, ["path"] = "data/notes.txt" })).Content.OfType<EmbeddedResourceBlock>()).Resource);
        Assert.Equal("héllo\nworld", text.Text);
        var blob = Assert.IsType<BlobResourceContents>(Assert.Single((await ServeProcess.CallAsync(client, "download_file", new() { ["sandbox_id"] = id, ["path"] = "blob.bin" })).Content.OfType<EmbeddedResourceBlock>()).Resource);
        Assert.Equal(Enumerable.Range(0, 256).Select(i => (byte)i), blob.DecodedData.ToArray());
        var listing = ServeProcess.TextOf(await ServeProcess.CallAsync(client, "list_files", new() { ["sandbox_id"] = id, ["path"] = "data" }));
        Assert.Contains("notes.txt", listing, StringComparison.Ordinal);

        var listed = JsonDocument.Parse(ServeProcess.TextOf(await ServeProcess.CallAsync(client, "list_sandboxes"))).RootElement;
        var entry = Assert.Single(listed.EnumerateArray());
        Assert.Equal(id, entry.GetProperty("id").GetString());
        Assert.Equal("running", entry.GetProperty("state").GetString());

        var deleted = await ServeProcess.CallAsync(client, "delete_sandbox", new() { ["sandbox_id"] = id });
        Assert.NotEqual(true, deleted.IsError);
        Assert.Empty(JsonDocument.Parse(ServeProcess.TextOf(await ServeProcess.CallAsync(client, "list_sandboxes"))).RootElement.EnumerateArray());
        Assert.False(await DockerEngine.ContainerExistsAsync(id));
        var after = await ServeProcess.CallAsync(client, "execute_ipython_cell", new() { ["sandbox_id"] = id, ["code"] = "print(1)" });
        Assert.True(after.IsError);
        Assert.Contains("no sandbox has the id", ServeProcess.TextOf(after), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_over_the_inline_limit_are_refused_both_ways()
    {
        await using var server = await ServeProcess.StartAsync(_runId, "--max-file-size", "1k");
        await using var client = await server.ConnectAsync("alice");
        var id = await ServeProcess.CreateSandboxAsync(client);

        var upload = await ServeProcess.CallAsync(client, "upload_file", new() { ["sandbox_id"] = id, ["path"] = "big.txt", ["content"] = new string('a', 2000) });
        Assert.True(upload.IsError);
        Assert.Contains("at most 1024 bytes", ServeProcess.TextOf(upload), StringComparison.Ordinal);

        await ServeProcess.ExecuteAsync(client, id, "open('big.bin', 'wb').write(b'x' * 5000)");
        var download = await ServeProcess.CallAsync(client, "download_file", new() { ["sandbox_id"] = id, ["path"] = "big.bin" });
        Assert.True(download.IsError);
        Assert.Contains("'big.bin' has 5000 bytes", ServeProcess.TextOf(download), StringComparison.Ordinal);
        Assert.Empty(download.Content.OfType<EmbeddedResourceBlock>());

        foreach (var tool in new[] { "upload_file", "download_file" })
        {
            var escape = await ServeProcess.CallAsync(client, tool, new() { ["sandbox_id"] = id, ["path"] = "../etc/escape.txt", ["content"] = "x" });
            Assert.True(escape.IsError, tool);
        }

        Assert.Equal("False", (await ServeProcess.ExecuteAsync(client, id, "import os; print(os.path.exists('/etc/escape.txt'))")).Trim());
    }

    [Fact]
    public async Task A_paused_sandbox_is_listed_as_paused_and_the_next_cell_resumes_it_with_its_variables()
    {
        await using var server = await ServeProcess.StartAsync(_runId);
        await using var client = await server.ConnectAsync("alice");
        var id = await ServeProcess.CreateSandboxAsync(client);
        await ServeProcess.ExecuteAsync(client, id, "kept = 'yes'");

        AssertSucceeded(await ServeProcess.CallAsync(client, "pause_sandbox", new() { ["sandbox_id"] = id }));
        var listed = JsonDocument.Parse(ServeProcess.TextOf(await ServeProcess.CallAsync(client, "list_sandboxes"))).RootElement;
        Assert.Equal("paused", Assert.Single(listed.EnumerateArray()).GetProperty("state").GetString());

        Assert.Equal("yes", (await ServeProcess.ExecuteAsync(client, id, "print(kept)")).Trim());
        AssertSucceeded(await ServeProcess.CallAsync(client, "pause_sandbox", new() { ["sandbox_id"] = id }));
        AssertSucceeded(await ServeProcess.CallAsync(client, "resume_sandbox", new() { ["sandbox_id"] = id }));
        listed = JsonDocument.Parse(ServeProcess.TextOf(await ServeProcess.CallAsync(client, "list_sandboxes"))).RootElement;
        Assert.Equal("running", Assert.Single(listed.EnumerateArray()).GetProperty("state").GetString());
        Assert.Equal("yes", (await ServeProcess.ExecuteAsync(client, id, "print(kept)")).Trim());
    }

    [Fact]
    public async Task A_request_body_over_the_limit_is_refused()
    {
        await using var server = await ServeProcess.StartAsync(_runId, "--max-request-size", "64k");
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint)
        {
            Content = new StringContent(new string(' ', 100_000), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", ServeProcess.Tokens["alice"]);
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");

        using var response = await http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    private static void AssertSucceeded(CallToolResult result) => Assert.False(result.IsError == true, ServeProcess.TextOf(result));
}
