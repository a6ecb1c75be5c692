using Microsoft.Extensions.AI;

namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/tool-bridge.md.</summary>
internal static class ToolBridgePage
{
    public static async Task RunAsync()
    {
        // <register>
        await using var sandbox = (await new DockerSandboxProvider().CreateAsync()).WithToolBridge();

        // Any AIFunction: here a lambda standing in for a real forecast service.
        var weather = new HostToolSet("weather", [
            AIFunctionFactory.Create(
                (string city, int days) => Enumerable.Range(0, days).Select(d => new { day = d, max = city == "Oslo" ? 4 : 24 }).ToList(),
                "forecast",
                "Daily forecast for a city."),
        ]);
        using var registration = await sandbox.AddHostToolsAsync(weather, new ToolBridgeOptions
        {
            ApprovalHandler = (request, cancellationToken) => ValueTask.FromResult(
                request.Call.Name == "forecast" ? HostToolApproval.Approve() : HostToolApproval.Reject("not allowed")),
        });

        // registration.Functions[0].QualifiedName == "mcptools.weather.forecast"
        var result = await sandbox.ExecuteAsync("""
            from mcptools.weather import forecast
            warm = [city for city in ["Oslo", "Rome", "Cairo"] if forecast(city=city, days=1)[0]["max"] > 20]
            print(warm)
            """);
        // </register>
    }
}
