using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpyBox.AI.TestUtilities;

/// <summary>
/// An OpenAI-compatible Chat Completions endpoint on 127.0.0.1 that answers from a script and records every request
/// body, so tests can check what the real OpenAI client library sent. A request with <c>"stream": true</c> gets the
/// scripted completion as server-sent chunks, as the service streams it.
/// </summary>
public sealed class ScriptedOpenAIServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Queue<Func<JsonNode, string>> _steps;
    private readonly Task _loop;

    /// <summary>Initializes a new instance of the <see cref="ScriptedOpenAIServer"/> class that answers the requests with <paramref name="steps"/>, in order.</summary>
    public ScriptedOpenAIServer(params Func<JsonNode, string>[] steps)
    {
        _steps = new(steps);
        var port = LoopbackPort.Free();
        Endpoint = new Uri($"http://127.0.0.1:{port}/v1/");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>Gets the base address a client is given, <c>http://127.0.0.1:PORT/v1/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>Gets the JSON body of every request, in order.</summary>
    public List<JsonNode> Requests { get; } = [];

    /// <summary>A completion that calls one function.</summary>
    public static string ToolCall(string callId, string function, object arguments) =>
        Completion(new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = null,
            ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = callId,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = function, ["arguments"] = JsonSerializer.Serialize(arguments) },
            }),
        }, "tool_calls");

    /// <summary>A completion with a final text.</summary>
    public static string Text(string text) => Completion(new JsonObject { ["role"] = "assistant", ["content"] = text }, "stop");

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private static string Completion(JsonObject message, string finishReason) =>
        new JsonObject
        {
            ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N"),
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = "scripted",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finishReason }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 1, ["completion_tokens"] = 1, ["total_tokens"] = 2 },
        }.ToJsonString();

    /// <summary>A completion as the one chunk and the end marker a streaming request gets.</summary>
    private static string AsChunks(string completion)
    {
        var whole = JsonNode.Parse(completion)!;
        var choice = whole["choices"]![0]!;
        var delta = choice["message"]!.DeepClone();
        if (delta["tool_calls"] is JsonArray calls)
        {
            for (var i = 0; i < calls.Count; i++)
            {
                calls[i]!["index"] = i;
            }
        }

        var chunk = new JsonObject
        {
            ["id"] = whole["id"]!.DeepClone(),
            ["object"] = "chat.completion.chunk",
            ["created"] = whole["created"]!.DeepClone(),
            ["model"] = whole["model"]!.DeepClone(),
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = choice["finish_reason"]!.DeepClone() }),
        };
        return $"data: {chunk.ToJsonString()}\n\ndata: [DONE]\n\n";
    }

    private async Task ServeAsync()
    {
        while (await LoopbackListener.NextAsync(_listener) is { } context)
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = JsonNode.Parse(await reader.ReadToEndAsync())!;
            string answer;
            int status = 200;
            lock (_steps)
            {
                Requests.Add(body);
                if (_steps.TryDequeue(out var step))
                {
                    answer = step(body);
                }
                else
                {
                    status = 500;
                    answer = """{"error":{"message":"the script has no more steps","type":"server_error"}}""";
                }
            }

            var streamed = status == 200 && body["stream"]?.GetValue<bool>() == true;
            var bytes = Encoding.UTF8.GetBytes(streamed ? AsChunks(answer) : answer);
            context.Response.StatusCode = status;
            context.Response.ContentType = streamed ? "text/event-stream" : "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
