using IpyBox.AI.Cli.Terminal;

namespace IpyBox.AI.Tests.Cli;

/// <summary>What <c>ipybox run</c> lets through to a terminal: text and colours, never a control sequence that acts.</summary>
public sealed class TerminalTextFilterTests
{
    [Theory]
    [InlineData("\u001b]0;pwned\u0007", "^[]0;pwned^G")]
    [InlineData("\u001b]52;c;ZXZpbA==\u0007", "^[]52;c;ZXZpbA==^G")]
    [InlineData("\u001b[2J\u001b[H", "^[[2J^[[H")]
    [InlineData("\u001b]8;;http://127.0.0.1/\u001b\\link\u001b]8;;\u001b\\", "^[]8;;http://127.0.0.1/^[\\link^[]8;;^[\\")]
    [InlineData("\u009b31m\u0085", "\\u009B31m\\u0085")]
    [InlineData("abc\u202edef\u2066", "abc\\u202Edef\\u2066")]
    [InlineData("back\bspace\u007f\u0000", "back^Hspace^?^@")]
    [InlineData("\u001b[38;5;196mred\u001b[0m", "\u001b[38;5;196mred\u001b[0m")]
    [InlineData("line\r\nnext\ttab", "line\r\nnext\ttab")]
    public void Control_sequences_are_shown_and_colours_kept(string sandboxOutput, string shown)
    {
        var filter = new TerminalTextFilter();

        Assert.Equal(shown, filter.Filter(sandboxOutput) + filter.Flush());
    }

    [Fact]
    public void A_sequence_cut_between_chunks_is_judged_whole()
    {
        var filter = new TerminalTextFilter();

        var first = filter.Filter("red: \u001b[3");
        var second = filter.Filter("1mX\u001b");
        var third = filter.Filter("]0;t\u0007");

        Assert.Equal("red: ", first);
        Assert.Equal("\u001b[31mX", second);
        Assert.Equal("^[]0;t^G", third);
        Assert.Equal(string.Empty, filter.Flush());
    }

    [Fact]
    public void An_unfinished_sequence_at_the_end_is_shown_not_written()
    {
        var filter = new TerminalTextFilter();

        Assert.Equal("a", filter.Filter("a\u001b[12"));
        Assert.Equal("^[[12", filter.Flush());
    }

    [Fact]
    public void An_endless_colour_sequence_is_not_held_forever()
    {
        var filter = new TerminalTextFilter();

        var shown = filter.Filter("\u001b[" + new string('1', 100));

        Assert.StartsWith("^[[111", shown, StringComparison.Ordinal);
        Assert.Equal(string.Empty, filter.Flush());
    }
}
