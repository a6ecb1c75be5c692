namespace IpyBox.AI.Tests;

public sealed class AnsiEscapesTests
{
    [Theory]
    [InlineData("\u001b[0;31mred\u001b[0m", "red")]
    [InlineData("\u001b[1;32m----> 1\u001b[39m x", "----> 1 x")]
    [InlineData("\u001b[38;5;241mgrey\u001b[0m", "grey")]
    [InlineData("\u001b]8;;http://x\u0007link\u001b]8;;\u0007", "link")]
    [InlineData("plain [1] text", "plain [1] text")]
    public void Removes_escape_sequences_only(string input, string expected) => Assert.Equal(expected, AnsiEscapes.Strip(input));
}
