namespace IpyBox.AI.Tests.Tools;

public sealed class IpyBoxConversationTests
{
    [Fact]
    public async Task The_ambient_key_flows_into_awaited_calls_and_nested_scopes_restore_it()
    {
        Assert.Null(IpyBoxConversation.Current);
        using (IpyBoxConversation.Begin("outer"))
        {
            Assert.Equal("outer", await Task.Run(() => IpyBoxConversation.Current));
            using (IpyBoxConversation.Begin("inner"))
            {
                await Task.Yield();
                Assert.Equal("inner", IpyBoxConversation.Current);
            }

            Assert.Equal("outer", IpyBoxConversation.Current);
        }

        Assert.Null(IpyBoxConversation.Current);
    }

    [Fact]
    public async Task Parallel_flows_keep_their_own_keys()
    {
        async Task<string?> InThreadAsync(string key)
        {
            using (IpyBoxConversation.Begin(key))
            {
                await Task.Delay(10);
                return IpyBoxConversation.Current;
            }
        }

        var keys = await Task.WhenAll(InThreadAsync("a"), InThreadAsync("b"));
        Assert.Equal(new string?[] { "a", "b" }, keys);
    }

    [Fact]
    public void An_empty_key_is_refused() => Assert.ThrowsAny<ArgumentException>(() => IpyBoxConversation.Begin(" "));
}
