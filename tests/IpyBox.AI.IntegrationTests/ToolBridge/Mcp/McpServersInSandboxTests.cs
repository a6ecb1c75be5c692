namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// MCP servers registered through the session manager, end to end: kernel code in a network-disabled container imports
/// the generated package and calls the real test server's tools, over stdio and over streamable HTTP.
/// </summary>
public sealed class McpServersInSandboxTests(McpServersInSandboxFixture fixture) : IClassFixture<McpServersInSandboxFixture>
{
    [Fact]
    public async Task Kernel_code_calls_a_stdio_server_tool_in_a_loop_and_aggregates_the_results()
    {
        var session = await fixture.Scope.SessionAsync("main");

        var result = await session.ExecuteAsync("""
            from mcptools.testserver import add, echo
            sums = [int(add(a=i, b=i * 10)) for i in range(25)]
            words = [echo(text=w) for w in ("alpha", "beta")]
            print(sum(sums), len(sums), "-".join(words))
            """);

        Assert.Equal("3300 25 alpha-beta", result.Text);
    }

    [Fact]
    public async Task Structured_content_arrives_as_python_objects_with_enum_defaults_applied()
    {
        var session = await fixture.Scope.SessionAsync("main");

        var result = await session.ExecuteAsync("""
            from mcptools.testserver import forecast
            f = forecast(city="Oslo", days=2)
            g = forecast(city="Rome", unit="fahrenheit", days=1)
            print(type(f).__name__, f["city"], f["unit"], f["temperatures"], g["unit"], g["temperatures"])
            """);

        Assert.Equal("dict Oslo celsius [20, 21] fahrenheit [68]", result.Text);
    }

    [Fact]
    public async Task Arrays_nested_objects_enums_and_defaults_reach_the_server()
    {
        var session = await fixture.Scope.SessionAsync("main");

        var result = await session.ExecuteAsync("""
            import json
            from mcptools.testserver import describe_query
            q = json.loads(describe_query(terms=["sea", "salt"], range={"from": 1990, "to": 2000}))
            r = json.loads(describe_query(terms=[], range={"from": 1, "to": 2}, order="newest", limit=3, label="x"))
            print(q["terms"], q["range"], q["order"], q["limit"], q["label"], "|", r["order"], r["limit"], r["label"])
            """);

        Assert.Equal("['sea', 'salt'] {'from': 1990, 'to': 2000} relevance 10 None | newest 3 x", result.Text);
    }

    [Fact]
    public async Task A_tool_error_raises_ToolError_with_the_server_message()
    {
        var session = await fixture.Scope.SessionAsync("main");

        var result = await session.ExecuteAsync("""
            from mcptools.testserver import fail, ToolError
            try:
                fail(message="quota exceeded for today")
            except ToolError as error:
                print(type(error).__name__, "|", error)
            """);

        Assert.Equal("ToolError | quota exceeded for today", result.Text);
    }

    [Fact]
    public async Task An_image_result_is_displayed_by_the_cell()
    {
        var session = await fixture.Scope.SessionAsync("main");

        var result = await session.ExecuteAsync("""
            from mcptools.testserver import pixel_image
            image = pixel_image()
            print(image.mime_type)
            image
            """);

        Assert.StartsWith("image/png", result.Text, StringComparison.Ordinal);
        var image = Assert.Single(result.Images);
        Assert.Equal((2, 1), (image.Width, image.Height));
    }

    [Fact]
    public async Task An_http_server_registered_for_one_conversation_is_called_with_its_headers_and_only_there()
    {
        var server = McpServerDefinition.Http("web", fixture.Http.Url);
        server.Headers["Authorization"] = "Bearer test-token";

        var registration = await fixture.Sessions.AddMcpServerToolsAsync("http", server);
        var session = await fixture.Scope.SessionAsync("http");
        var other = await fixture.Scope.SessionAsync("main");

        Assert.Equal("mcptools.web", registration.Module);
        Assert.Contains("mcptools.web.echo", registration.Functions.Select(f => f.QualifiedName));
        var result = await session.ExecuteAsync("""
            from mcptools.web import echo
            print(",".join(echo(text=str(i)) for i in range(10)))
            """);
        Assert.Equal("0,1,2,3,4,5,6,7,8,9", result.Text);
        var elsewhere = await other.ExecuteAsync("import importlib.util\nprint(importlib.util.find_spec('mcptools.web'))");
        Assert.Equal("None", elsewhere.Text);
    }

    [Fact]
    public async Task The_listing_tool_shows_the_packages_and_signatures_and_the_source_tools_return_code()
    {
        var tools = new SandboxTools(fixture.Sessions);

        var listing = await tools.ListToolModulesAsync("main");
        var package = await tools.GetToolSourceAsync("main", "mcptools.testserver.describe_query");
        var module = await tools.GetModuleSourceAsync("main", "mcptools.testserver.describe_query");
        var missing = await tools.GetModuleSourceAsync("main", "no_such_module_here");

        Assert.False(listing.IsError, listing.Text);
        Assert.Contains("import mcptools.testserver", listing.Text, StringComparison.Ordinal);
        Assert.Contains("mcptools.testserver.forecast(", listing.Text, StringComparison.Ordinal);
        Assert.Contains("city: str", listing.Text, StringComparison.Ordinal);
        Assert.Contains("def describe_query(", package.Text, StringComparison.Ordinal);
        Assert.Equal(package.Text.TrimEnd(), module.Text.TrimEnd());
        Assert.True(missing.IsError);
        Assert.Contains("ModuleNotFoundError", missing.Text, StringComparison.Ordinal);
    }
}
