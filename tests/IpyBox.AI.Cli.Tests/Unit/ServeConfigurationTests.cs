using IpyBox.AI.Cli.Serve;

namespace IpyBox.AI.Cli.Tests.Unit;

/// <summary>The tokens and listen addresses of <c>ipybox serve</c>, without a server.</summary>
public sealed class ServeConfigurationTests
{
    [Fact]
    public void Tokens_find_their_principal_and_nothing_else()
    {
        var tokens = BearerTokens.Parse("# team\n\nalice: 0123456789abcdef0123\r\nbob:fedcba9876543210fedc\n", "test");

        Assert.Equal(["alice", "bob"], tokens.Principals);
        Assert.Equal("alice", tokens.FindPrincipal("0123456789abcdef0123"));
        Assert.Equal("bob", tokens.FindPrincipal("fedcba9876543210fedc"));
        Assert.Null(tokens.FindPrincipal("0123456789abcdef012"));
        Assert.Null(tokens.FindPrincipal("0123456789abcdef01234"));
        Assert.Null(tokens.FindPrincipal(string.Empty));
    }

    [Theory]
    [InlineData("alice 0123456789abcdef0123", "not 'principal: token'")]
    [InlineData("al ice: 0123456789abcdef0123", "the principal 'al ice'")]
    [InlineData("alice: short", "at least 16 characters")]
    [InlineData("alice: 0123456789abcdef0123\nalice: 0123456789abcdef9999", "listed twice")]
    [InlineData("alice: 0123456789abcdef0123\nbob: 0123456789abcdef0123", "also another principal's")]
    public void Malformed_tokens_are_refused_without_repeating_a_token(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => BearerTokens.Parse(text, "test"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789abcdef", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8765", true)]
    [InlineData("http://127.1.2.3:80", true)]
    [InlineData("http://localhost:8765", true)]
    [InlineData("http://[::1]:8765", true)]
    [InlineData("http://0.0.0.0:8765", false)]
    [InlineData("http://*:8765", false)]
    [InlineData("http://+:8765", false)]
    [InlineData("http://[::]:8765", false)]
    [InlineData("http://192.168.1.5:8765", false)]
    [InlineData("http://example.com:8765", false)]
    public void Only_loopback_addresses_count_as_loopback(string url, bool loopback)
    {
        Assert.Equal(loopback, ListenAddresses.NotLoopback([url]).Count == 0);
    }
}
