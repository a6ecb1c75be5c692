using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace IpyBox.AI.Cli.Tests.Mcp;

/// <summary>The code execution tools of <c>ipybox mcp</c>, driven over stdio by the MCP C# SDK client.</summary>
[Collection(McpServerCollection.Name)]
public sealed class McpToolTests(McpServerFixture server)
{
    [Fact]
    public async Task Lists_the_reference_tools_with_their_parameter_schemas()
    {
        var tools = await server.Client.ListToolsAsync();

        Assert.Equal(
            ["download_file", "execute_ipython_cell", "install_packages", "reset", "upload_file"],
            tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        AssertParameters(tools.Single(t => t.Name == "execute_ipython_cell").ProtocolTool, required: ["code"], optional: ["timeout"]);
        AssertParameters(tools.Single(t => t.Name == "upload_file").ProtocolTool, required: ["relpath", "local_path"], optional: []);
        AssertParameters(tools.Single(t => t.Name == "download_file").ProtocolTool, required: ["relpath", "local_path"], optional: []);
        AssertParameters(tools.Single(t => t.Name == "reset").ProtocolTool, required: [], optional: []);
        AssertParameters(tools.Single(t => t.Name == "install_packages").ProtocolTool, required: ["packages"], optional: ["timeout"]);

        var execute = tools.Single(t => t.Name == "execute_ipython_cell").ProtocolTool;
        Assert.Equal("string", execute.InputSchema.GetProperty("properties").GetProperty("code").GetProperty("type").GetString());
        Assert.Equal("number", execute.InputSchema.GetProperty("properties").GetProperty("timeout").GetProperty("type").GetString());
        Assert.True(execute.Annotations?.DestructiveHint);
        Assert.False(string.IsNullOrWhiteSpace(execute.Description));
    }

    [Fact]
    public async Task Execute_keeps_state_between_calls()
    {
        await server.ExecuteAsync("state_probe = 6 * 7");

        var text = await server.ExecuteAsync("print(state_probe)");

        Assert.Equal("42", text.Trim());
    }

    [Fact]
    public async Task Execute_returns_a_figure_as_image_content()
    {
        var result = await server.CallAsync("execute_ipython_cell", new()
        {
            ["code"] = "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [3, 1, 2])\nplt.show()\nprint('plotted')",
        });

        Assert.NotEqual(true, result.IsError);
        var image = Assert.Single(result.Content.OfType<ImageContentBlock>());
        Assert.Equal("image/png", image.MimeType);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, image.DecodedData.ToArray()[..4]);
        Assert.Contains("plotted", McpServerFixture.TextOf(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_python_error_is_an_error_result_with_the_output_before_it_and_the_traceback()
    {
        var result = await server.CallAsync("execute_ipython_cell", new()
        {
            ["code"] = "print('before the error')\ndef fail():\n    raise ValueError('broken on purpose')\nfail()",
        });

        Assert.True(result.IsError);
        var text = McpServerFixture.TextOf(result);
        Assert.Contains("before the error", text, StringComparison.Ordinal);
        Assert.Contains("ValueError: broken on purpose", text, StringComparison.Ordinal);
        Assert.Contains("fail()", text, StringComparison.Ordinal);
        // The first line names the exception; the output comes before the traceback, in the order it happened.
        Assert.StartsWith("Error: the code raised ValueError: broken on purpose", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("before the error", StringComparison.Ordinal) < text.IndexOf("Traceback", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_timeout_interrupts_the_cell_and_keeps_the_state()
    {
        await server.ExecuteAsync("timeout_probe = 'kept'");

        var result = await server.CallAsync("execute_ipython_cell", new() { ["code"] = "import time\ntime.sleep(60)", ["timeout"] = 1.5 });

        Assert.True(result.IsError);
        Assert.Contains("interrupted", McpServerFixture.TextOf(result), StringComparison.Ordinal);
        Assert.Equal("kept", (await server.ExecuteAsync("print(timeout_probe)")).Trim());
    }

    [Fact]
    public async Task Reset_clears_variables_but_keeps_files_and_installed_packages()
    {
        await server.ExecuteAsync("reset_probe = 1\nopen('reset-probe.txt', 'w').write('still here')");
        await InstallProbePackageAsync("resetprobe");

        var reset = await server.CallAsync("reset");
        Assert.NotEqual(true, reset.IsError);

        var lookup = await server.CallAsync("execute_ipython_cell", new() { ["code"] = "reset_probe" });
        Assert.True(lookup.IsError);
        Assert.Contains("NameError", McpServerFixture.TextOf(lookup), StringComparison.Ordinal);
        Assert.Equal("still here", (await server.ExecuteAsync("print(open('reset-probe.txt').read())")).Trim());
        Assert.Equal("resetprobe installed", (await server.ExecuteAsync("import resetprobe\nprint(resetprobe.MESSAGE)")).Trim());
    }

    [Fact]
    public async Task Reset_recovers_from_a_kernel_that_died()
    {
        await server.ExecuteAsync("open('survives-kernel-death.txt', 'w').write('file kept')");

        var death = await server.CallAsync("execute_ipython_cell", new() { ["code"] = "import os\nos._exit(1)", ["timeout"] = 10 });
        Assert.True(death.IsError, McpServerFixture.TextOf(death));

        var reset = await server.CallAsync("reset");
        Assert.False(reset.IsError == true, McpServerFixture.TextOf(reset));
        Assert.Equal("file kept", (await server.ExecuteAsync("print(open('survives-kernel-death.txt').read())")).Trim());
    }

    [Fact]
    public async Task Install_packages_installs_a_wheel_and_reports_pip_failures()
    {
        await InstallProbePackageAsync("installprobe");
        Assert.Equal("installprobe installed", (await server.ExecuteAsync("import installprobe\nprint(installprobe.MESSAGE)")).Trim());

        var missing = await server.CallAsync("install_packages", new() { ["packages"] = new[] { "./no-such-package-1.0-py3-none-any.whl" } });
        Assert.True(missing.IsError);
        Assert.Contains("pip install exited with code", McpServerFixture.TextOf(missing), StringComparison.Ordinal);

        var option = await server.CallAsync("install_packages", new() { ["packages"] = new[] { "--index-url=http://127.0.0.1:9/simple", "x" } });
        Assert.True(option.IsError);
        Assert.Contains("pip option", McpServerFixture.TextOf(option), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_go_to_stderr()
    {
        await server.ExecuteAsync("1");

        Assert.Contains("Sandbox ready", server.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Writes a one-module wheel inside the sandbox (no index needed) and installs it with the tool.</summary>
    private async Task InstallProbePackageAsync(string name)
    {
        await server.ExecuteAsync($$"""
            import zipfile
            with zipfile.ZipFile('{{name}}-1.0-py3-none-any.whl', 'w') as wheel:
                wheel.writestr('{{name}}.py', 'MESSAGE = "{{name}} installed"\n')
                wheel.writestr('{{name}}-1.0.dist-info/METADATA', 'Metadata-Version: 2.1\nName: {{name}}\nVersion: 1.0\n')
                wheel.writestr('{{name}}-1.0.dist-info/WHEEL', 'Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n')
                wheel.writestr('{{name}}-1.0.dist-info/RECORD', '')
            """);

        var result = await server.CallAsync("install_packages", new() { ["packages"] = new[] { $"./{name}-1.0-py3-none-any.whl" } });
        Assert.False(result.IsError == true, McpServerFixture.TextOf(result));
        Assert.Contains($"Successfully installed {name}-1.0", McpServerFixture.TextOf(result), StringComparison.Ordinal);
    }

    private static void AssertParameters(Tool tool, string[] required, string[] optional)
    {
        var schema = tool.InputSchema;
        var properties = schema.TryGetProperty("properties", out var p) ? p.EnumerateObject().Select(x => x.Name).ToArray() : [];
        Assert.Equal(required.Concat(optional).Order(StringComparer.Ordinal), properties.Order(StringComparer.Ordinal));
        var requiredNames = schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(x => x.GetString()!).ToArray()
            : [];
        Assert.Equal(required.Order(StringComparer.Ordinal), requiredNames.Order(StringComparer.Ordinal));
    }
}
