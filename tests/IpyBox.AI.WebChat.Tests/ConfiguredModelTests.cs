using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpyBox.AI.WebChat.Tests;

/// <summary>The app with a model named by the environment: the OpenAI client library, streaming, against a scripted server on 127.0.0.1.</summary>
public sealed class ConfiguredModelTests
{
    [Fact]
    public async Task A_model_named_by_OPENAI_BASE_URL_gets_the_tools_and_the_cells_output()
    {
        await DockerEngine.EnsureAvailableAsync();
        await using var model = new ScriptedOpenAIServer(
            _ => ScriptedOpenAIServer.ToolCall("call_1", "execute_python", new { code = "print(6 * 7)" }),
            _ => ScriptedOpenAIServer.Text("It is 42."));
        await using var app = await WebChatProcess.StartAsync(model.Endpoint, "--WebChat:WarmPool=0", "--WebChat:RequireApproval=false");
        using var session = await WebChatSession.OpenAsync(app);

        var state = await session.SendAndWaitAsync("What is six times seven?");

        Assert.Equal("scripted-model", state.GetProperty("model").GetString());
        Assert.False(state.GetProperty("demo").GetBoolean());
        Assert.Equal(2, model.Requests.Count);
        var first = model.Requests[0];
        Assert.True(first["stream"]!.GetValue<bool>());
        Assert.Equal("scripted-model", first["model"]!.GetValue<string>());
        Assert.Contains(first["tools"]!.AsArray(), tool => tool!["function"]!["name"]!.GetValue<string>() == "execute_python");
        Assert.DoesNotContain(first["tools"]!.AsArray(), tool => tool!["function"]!["name"]!.GetValue<string>() is "upload_file" or "download_file");
        var toolMessage = Assert.Single(model.Requests[1]["messages"]!.AsArray(), m => m!["role"]!.GetValue<string>() == "tool")!;
        Assert.Contains("42", ContentOf(toolMessage), StringComparison.Ordinal);
        Assert.Equal(0, await app.StopAsync());
    }

    /// <summary>A message's content: a string, or a list of parts whose texts are joined.</summary>
    private static string ContentOf(JsonNode message) => message["content"] switch
    {
        JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValue<string>())),
        var content => content?.GetValue<string>() ?? string.Empty,
    };
}
