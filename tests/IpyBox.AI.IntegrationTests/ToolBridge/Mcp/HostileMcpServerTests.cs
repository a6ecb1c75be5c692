namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// The hostile test server: its tool names, descriptions, parameter names, enum values and defaults try to inject code.
/// The generated package must compile, run none of it, and still call the tools.
/// </summary>
public sealed class HostileMcpServerTests
{
    [Fact]
    public async Task The_hostile_servers_package_compiles_runs_no_injected_code_and_still_calls_its_tools()
    {
        var options = new IpyBoxOptions { Container = new ExecutionContainerOptions { DisableNetwork = true } };
        options.ToolBridge.ApprovalPolicy = HostToolApprovalPolicy.ApproveAll;
        await using var scope = await SessionManagerScope.CreateAsync(options);

        var registration = await scope.Manager.AddMcpServerToolsAsync("hostile", TestMcpServers.Stdio("evil\"server'\n", hostile: true));
        var session = await scope.SessionAsync("hostile");

        var names = registration.Functions.Select(f => f.FunctionName).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, name => Assert.Matches("^[A-Za-z_][A-Za-z0-9_]*$", name));
        var compiled = await session.ExecuteAsync("""
            import pathlib, py_compile
            files = sorted(str(p) for p in pathlib.Path("/app/mcptools").rglob("*.py"))
            for f in files:
                py_compile.compile(f, doraise=True)
            print(len(files))
            """);
        Assert.True(int.Parse(compiled.Text!, System.Globalization.CultureInfo.InvariantCulture) >= 3, compiled.Text);

        var module = registration.Module;
        var evil = registration.Functions.First(f => f.ToolName.StartsWith("evil\"", StringComparison.Ordinal)).FunctionName;
        var used = await session.ExecuteAsync($$"""
            import importlib, inspect, io, contextlib
            m = importlib.import_module("{{module}}")
            with contextlib.redirect_stdout(io.StringIO()):
                help(m)
                for name in m.__all__:
                    help(getattr(m, name))
                    inspect.signature(getattr(m, name))
            print(getattr(m, "{{evil}}").__doc__.count("__import__") > 0)
            """);
        Assert.Equal("True", used.Text);

        var fast = registration.Functions.Single(f => f.ToolName == "2fast").FunctionName;
        var called = await session.ExecuteAsync($"import {module} as m\nprint(m.{fast}())");
        Assert.Equal("called 2fast with {}", called.Text);

        var markers = string.Join(", ", TestMcpServers.HostileMarkerFiles.Select(f => $"'{f}'"));
        var result = await session.ExecuteAsync($"import os\nprint([f for f in [{markers}] if os.path.exists(f)])");
        Assert.Equal("[]", result.Text);
    }
}
