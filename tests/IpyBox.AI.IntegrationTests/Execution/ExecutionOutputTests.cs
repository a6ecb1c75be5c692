namespace IpyBox.AI.IntegrationTests;

[Collection(SandboxCollection.Name)]
public sealed class ExecutionOutputTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task Single_line_output_is_returned()
    {
        await using var client = await sandbox.ConnectAsync();
        var result = await client.ExecuteAsync("print('Hello, world!')");
        Assert.Equal("Hello, world!", result.Text);
        Assert.Equal("Hello, world!\n", result.Stdout);
    }

    [Fact]
    public async Task Multi_line_output_and_expression_value_are_joined()
    {
        await using var client = await sandbox.ConnectAsync();
        var result = await client.ExecuteAsync("print('a')\nprint('b')\n6 * 7");
        Assert.Equal("a\nb\n42", result.Text);
        Assert.NotNull(result.ExecutionCount);
    }

    [Fact]
    public async Task Stderr_is_kept_apart_and_in_text()
    {
        await using var client = await sandbox.ConnectAsync();
        var result = await client.ExecuteAsync("import sys\nprint('out')\nprint('err', file=sys.stderr)");
        Assert.Equal("out\n", result.Stdout);
        Assert.Equal("err\n", result.Stderr);
        Assert.Contains("out", result.Text);
        Assert.Contains("err", result.Text);
    }

    [Fact]
    public async Task No_output_gives_null_text()
    {
        await using var client = await sandbox.ConnectAsync();
        var result = await client.ExecuteAsync("x = 1");
        Assert.Null(result.Text);
        Assert.Empty(result.Images);
    }

    [Fact]
    public async Task State_persists_across_executions()
    {
        await using var client = await sandbox.ConnectAsync();
        await client.ExecuteAsync("x = 41");
        await client.ExecuteAsync("def inc(v):\n    return v + 1");
        var result = await client.ExecuteAsync("print(inc(x))");
        Assert.Equal("42", result.Text);
    }

    [Fact]
    public async Task Two_clients_on_one_container_have_separate_state()
    {
        await using var first = await sandbox.ConnectAsync();
        await using var second = await sandbox.ConnectAsync();
        await first.ExecuteAsync("shared_name = 'first'");
        var error = await Assert.ThrowsAsync<ExecutionException>(() => second.ExecuteAsync("print(shared_name)"));
        Assert.Equal("NameError", error.ErrorName);
        Assert.Equal("first", (await first.ExecuteAsync("print(shared_name)")).Text);
    }

    [Fact]
    public async Task A_500000_character_line_arrives_whole()
    {
        await using var client = await sandbox.ConnectAsync();
        var result = await client.ExecuteAsync("print('x' * 500_000)");
        Assert.Equal(500_000, result.Text!.Length);
        Assert.All(result.Text, c => Assert.Equal('x', c));
    }

    [Fact]
    public async Task Half_a_million_short_lines_arrive_whole()
    {
        await using var client = await sandbox.ConnectAsync();
        var result = await client.ExecuteAsync("for i in range(500_000):\n    print(i)");
        var lines = result.Text!.Split('\n');
        Assert.Equal(500_000, lines.Length);
        Assert.Equal("0", lines[0]);
        Assert.Equal("499999", lines[^1]);
        Assert.Equal(Enumerable.Range(0, 500_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), lines);
    }

    [Fact]
    public async Task A_10000_line_input_executes()
    {
        await using var client = await sandbox.ConnectAsync();
        var code = string.Join('\n', Enumerable.Range(0, 10_000).Select(i => $"v{i} = {i}")) + "\nprint(v0 + v9999)";
        var result = await client.ExecuteAsync(code);
        Assert.Equal("9999", result.Text);
    }

    [Fact]
    public async Task Rich_outputs_are_returned()
    {
        await using var client = await sandbox.ConnectAsync();
        var result = await client.ExecuteAsync(
            "from IPython.display import display, HTML, Markdown, JSON\n" +
            "display(HTML('<b>bold</b>'))\ndisplay(Markdown('# Title'))\ndisplay(JSON({'a': 1}))");
        Assert.Contains(result.RichOutputs, o => o.MediaType == "text/html" && o.Content.Contains("<b>bold</b>", StringComparison.Ordinal));
        Assert.Contains(result.RichOutputs, o => o.MediaType == "text/markdown" && o.Content == "# Title");
        Assert.Contains(result.RichOutputs, o => o.MediaType == "application/json" && o.Content.Contains("\"a\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task App_directory_is_the_working_directory_and_importable()
    {
        await using var client = await sandbox.ConnectAsync();
        await client.ExecuteAsync("open('/app/helper_mod.py', 'w').write('VALUE = 7')");
        var result = await client.ExecuteAsync("import os, helper_mod\nprint(os.getcwd(), helper_mod.VALUE)");
        Assert.Equal("/app 7", result.Text);
    }
}
