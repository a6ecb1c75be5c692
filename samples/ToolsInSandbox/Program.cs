// Code actions: the model writes Python that calls an MCP server's tools in a loop and aggregates the results in the
// sandbox, so only the answer reaches the model. The MCP server here is this program itself started with --serve-mcp
// (a stdio server of weather readings); any server of an mcpServers file works the same way.
// With OPENAI_API_KEY or OPENAI_BASE_URL set, a model answers a question by writing that code; without, a script
// plays the model's part (samples/Shared): it lists the sandbox's tools and runs the code a model would write.
using System.ComponentModel;
using System.Text.Json.Serialization;
using IpyBox.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

if (args is ["--serve-mcp"])
{
    var host = Host.CreateApplicationBuilder();
    host.Logging.ClearProviders();
    host.Services.AddMcpServer().WithStdioServerTransport().WithTools<WeatherTools>();
    await host.Build().RunAsync();
    return 0;
}

// The weather server: started on the host when the first sandbox is created, closed with the session manager.
var self = Environment.ProcessPath!;
var weather = Path.GetFileNameWithoutExtension(self) == "dotnet"
    ? McpServerDefinition.Stdio("weather", self, typeof(WeatherTools).Assembly.Location, "--serve-mcp")
    : McpServerDefinition.Stdio("weather", self, "--serve-mcp");

var calls = 0;
// <registration>
var services = new ServiceCollection();
services.AddIpyBox(options => options.Container.DisableNetwork = true) // The tools need no network in the sandbox.
    .AddMcpServerTools(weather)
    .ConfigureToolBridge(bridge =>
    {
        // Every call from sandbox code is put to the application first; this one approves the read-only weather tools.
        bridge.ApprovalHandler = (request, _) =>
        {
            Interlocked.Increment(ref calls);
            return ValueTask.FromResult(request.SetName == "weather" ? HostToolApproval.Approve() : HostToolApproval.Reject("not allowed"));
        };
    });
await using var provider = services.BuildServiceProvider();
// </registration>
var model = SampleChatModel.FromEnvironment("ToolsInSandbox", new ScriptedChatClient(
    new ScriptedTurn(
        "Over the last 14 days, which station had the most rain, and what was the mean temperature across all stations?",
        "98 readings aggregated in the sandbox.",
        ("list_sandbox_tools", new()),
        ("execute_python", new()
        {
            ["code"] = """
                from mcptools import weather
                rain = {}
                temps = []
                for station in weather.list_stations()["stations"]:
                    readings = [weather.reading(station=station, day=d) for d in range(14)]
                    rain[station] = sum(r["rain_mm"] for r in readings)
                    temps += [r["celsius"] for r in readings]
                wettest = max(rain, key=rain.get)
                print(f"wettest: {wettest} ({rain[wettest]:.1f} mm), mean temperature {sum(temps) / len(temps):.1f} °C")
                """,
        }))));

// <agent>
var chat = new ChatClientBuilder(model.Client)
    .UseFunctionInvocation()
    .Build(provider);

// list_sandbox_tools and get_tool_source are offered because a server is registered for every conversation.
var chatOptions = new ChatOptions { Tools = [.. provider.GetRequiredService<IpyBoxPlugin>().AsAIFunctions()] };
ChatMessage instructions = new(ChatRole.System, """
    You answer with Python code run by execute_python. Host tools are importable from Python: call list_sandbox_tools
    first, then write code that calls them in loops and prints only the aggregate you need.
    """);
foreach (var question in model.UserMessages)
{
    using (IpyBoxConversation.Begin("agent"))
    {
        var response = await chat.GetResponseAsync([instructions, new(ChatRole.User, question)], chatOptions);
        Console.WriteLine(response.Text);
    }
}
// </agent>

Console.WriteLine($"({calls} tool calls were made from sandbox code; the model received one line.)");
if (model.IsScripted && calls != 99)
{
    throw new InvalidOperationException($"expected 99 approved tool calls, got {calls}");
}

return 0;

/// <summary>The tools of the sample's MCP server: deterministic readings of a few weather stations.</summary>
[McpServerToolType]
internal sealed class WeatherTools
{
    private static readonly string[] s_stations = ["bergen", "oslo", "tromso", "lyon", "porto", "graz", "cork"];

    [McpServerTool(Name = "list_stations", ReadOnly = true, UseStructuredContent = true)]
    [Description("Returns the ids of the weather stations, as {\"stations\": [...]}.")]
    public static StationList ListStations() => new(s_stations);

    [McpServerTool(Name = "reading", ReadOnly = true, UseStructuredContent = true)]
    [Description("Returns one day's reading of a station: temperature in °C and rain in mm.")]
    public static Reading GetReading(
        [Description("A station id from list_stations.")] string station,
        [Description("Days ago: 0 is today.")] int day)
    {
        var seed = (Array.IndexOf(s_stations, station) + 1) * 31 + day * 7;
        return new Reading(station, day, Math.Round(4 + (seed % 17) * 0.9, 1), Math.Round(seed % 11 * 1.3, 1));
    }

    /// <summary>The station ids.</summary>
    public sealed record StationList([property: JsonPropertyName("stations")] string[] Stations);

    /// <summary>A day's reading.</summary>
    public sealed record Reading(
        [property: JsonPropertyName("station")] string Station,
        [property: JsonPropertyName("day")] int Day,
        [property: JsonPropertyName("celsius")] double Celsius,
        [property: JsonPropertyName("rain_mm")] double RainMm);
}
