using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using static IpyBox.AI.IntegrationTests.ScriptedChatClient;

namespace IpyBox.AI.IntegrationTests;

/// <summary>Tools found by search: from sandbox code over the bridge, and by a model whose only tools are search, describe and execute.</summary>
public sealed partial class ToolSearchTests(ToolBridgeFixture fixture) : IClassFixture<ToolBridgeFixture>
{
    private static readonly ToolBridgeOptions s_approveAll = new() { ApprovalPolicy = HostToolApprovalPolicy.ApproveAll };

    [Fact]
    public async Task A_scripted_model_with_only_search_describe_and_execute_finds_one_tool_among_300_and_calls_it_from_code()
    {
        var calls = 0;
        var options = new IpyBoxOptions { SearchAndExecuteOnly = true, Container = new ExecutionContainerOptions { DisableNetwork = true } };
        options.ToolBridge.ApprovalPolicy = HostToolApprovalPolicy.ApproveAll;
        options.HostToolSets.Add(GeneratedHostTools.Create("crm", 100));
        options.HostToolSets.Add(GeneratedHostTools.Create("erp", 100));
        options.HostToolSets.Add(new HostToolSet("weather", [
            .. GeneratedHostTools.Create("weather", 99).Tools,
            AIFunctionFactory.Create(
                (string station, int day) =>
                {
                    Interlocked.Increment(ref calls);
                    return station.Length * 10.0 + day;
                },
                "rain_reading",
                "Returns the rainfall in millimetres measured at a weather station on a day."),
        ]));
        await using var scope = await SessionManagerScope.CreateAsync(options);
        var tools = scope.Manager.CreatePlugin("search-thread").AsAIFunctions();
        Assert.Equal(["describe_tool", "execute_python", "search_tools"], tools.Select(t => t.Name).Order(StringComparer.Ordinal));

        string? found = null;
        var model = new ScriptedChatClient(
            _ => Call("s1", "search_tools", new() { ["query"] = "rainfall at a station", ["limit"] = 5 }),
            messages =>
            {
                // The model takes the first result's qualified name from the text it was given.
                found = QualifiedName().Match(TextOf(ResultOf(messages, "s1"))).Groups["name"].Value;
                return Call("d1", "describe_tool", new() { ["name"] = found });
            },
            messages =>
            {
                var dot = found!.LastIndexOf('.');
                Assert.Contains("station: str", TextOf(ResultOf(messages, "d1")), StringComparison.Ordinal);
                return Call("e1", "execute_python", new() { ["code"] = $"from {found[..dot]} import {found[(dot + 1)..]} as tool\nprint(sum(tool(station='oslo', day=d) for d in range(3)))" });
            },
            _ => Say("done"));

        var response = await new ChatClientBuilder(model).UseFunctionInvocation().Build()
            .GetResponseAsync("How much rain fell in Oslo over three days?", new ChatOptions { Tools = [.. tools] });

        Assert.Equal("done", response.Text);
        Assert.Equal("mcptools.weather.rain_reading", found);
        Assert.Equal("123", TextOf(ResultOf(model.Requests[3], "e1")));
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Sandbox_code_searches_describes_and_calls_a_tool_it_found()
    {
        using var crm = await fixture.First.AddHostToolsAsync(GeneratedHostTools.Create("crm", 100), s_approveAll);
        using var billing = await fixture.First.AddHostToolsAsync(GeneratedHostTools.Create("billing", 100), s_approveAll);

        var result = await fixture.First.ExecuteAsync("""
            import importlib, json
            from mcptools import search_tools, describe_tool
            hits = search_tools("archive an invoice in billing", limit=3)
            best = hits[0]["name"]
            module, name = best.rsplit(".", 1)
            tool = getattr(importlib.import_module(module), name)
            print(len(hits), best, sorted(hits[0]))
            print(describe_tool(best).splitlines()[0])
            print(json.loads(tool(invoice_id="A-7"))["arguments"]["invoice_id"])
            """);

        Assert.Equal(
            "3 mcptools.billing.archive_invoice ['name', 'score', 'signature', 'summary']\nfrom mcptools.billing import archive_invoice\nA-7",
            result.Text);
    }

    [Fact]
    public async Task Search_over_hostile_descriptions_returns_data_and_definitions_that_run_nothing()
    {
        using var registration = await fixture.First.AddHostToolsAsync(HostileTools.Create(), s_approveAll);

        var result = await fixture.First.ExecuteAsync($$"""
            import ast, os
            from mcptools import search_tools, describe_tool
            hits = search_tools("ipybox injected open write tmp", limit=50)
            for hit in hits:
                # The description is the import and a def whose body is its docstring, nothing else.
                first, definition = ast.parse(describe_tool(hit["name"])).body
                assert isinstance(first, ast.ImportFrom) and isinstance(definition, ast.FunctionDef), hit
                assert len(definition.body) == 1 and isinstance(definition.body[0].value.value, str), hit
                assert all("\n" not in hit[key] for key in ("summary", "signature")), hit
            print(len(hits) >= {{HostileTools.Breakouts.Length}}, os.path.exists({{PythonLiteral.String(HostileTools.Evidence)}}))
            """);

        Assert.Equal("True False", result.Text);
    }

    [GeneratedRegex(@"^(?<name>mcptools\.[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)\(", RegexOptions.Multiline)]
    private static partial Regex QualifiedName();
}
