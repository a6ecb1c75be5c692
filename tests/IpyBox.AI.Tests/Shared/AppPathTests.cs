namespace IpyBox.AI.Tests;

public sealed class AppPathTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData(".", "")]
    [InlineData("a/b.txt", "a/b.txt")]
    [InlineData("./a//b/./c", "a/b/c")]
    [InlineData("a\\b", "a/b")]
    [InlineData("dots..in..name", "dots..in..name")]
    public void Normalizes_relative_paths(string input, string expected) => Assert.Equal(expected, AppPath.Normalize(input));

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("C:/x")]
    [InlineData("..")]
    [InlineData("a/../../b")]
    [InlineData("a/..")]
    public void Refuses_absolute_and_escaping_paths(string input)
    {
        var error = Assert.Throws<ArgumentException>(() => AppPath.Normalize(input));
        Assert.Contains(input, error.Message);
    }

    [Theory]
    [InlineData("", "/app")]
    [InlineData("data/x.csv", "/app/data/x.csv")]
    public void Builds_absolute_container_paths(string input, string expected) => Assert.Equal(expected, AppPath.ToAbsolute(input));
}
