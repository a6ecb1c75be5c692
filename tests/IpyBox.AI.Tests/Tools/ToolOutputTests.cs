namespace IpyBox.AI.Tests.Tools;

public sealed class ToolOutputTests
{
    [Fact]
    public void Short_text_is_kept_as_it_is()
    {
        Assert.Equal("hello", ToolOutput.Truncate("hello", 200));
    }

    [Fact]
    public void Long_text_keeps_head_and_tail_around_a_marker()
    {
        var text = "HEAD" + new string('x', 10_000) + "TAIL";
        var cut = ToolOutput.Truncate(text, 1_000);

        Assert.StartsWith("HEAD", cut, StringComparison.Ordinal);
        Assert.EndsWith("TAIL", cut, StringComparison.Ordinal);
        Assert.Contains("characters truncated", cut, StringComparison.Ordinal);
        Assert.Contains("output was 10008 characters", cut, StringComparison.Ordinal);
        Assert.True(cut.Length < 1_200, $"length {cut.Length}");
    }

    [Fact]
    public void A_python_error_reads_as_name_message_and_last_traceback_lines()
    {
        var trace = string.Join('\n', Enumerable.Range(1, 50).Select(i => $"line {i}"));
        var error = new ExecutionException("ZeroDivisionError", "division by zero", trace, result: null);

        var text = Assert.IsType<Microsoft.Extensions.AI.TextContent>(Assert.Single(ToolOutput.FromError(error, new IpyBoxOptions { MaxTracebackLines = 5 }))).Text;

        Assert.StartsWith("Error: the code raised ZeroDivisionError: division by zero", text, StringComparison.Ordinal);
        Assert.Contains("last 5 of 50 lines", text, StringComparison.Ordinal);
        Assert.Contains("line 50", text, StringComparison.Ordinal);
        Assert.DoesNotContain("line 45\n", text, StringComparison.Ordinal);
    }
}
