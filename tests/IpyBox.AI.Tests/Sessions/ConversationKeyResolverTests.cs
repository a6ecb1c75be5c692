namespace IpyBox.AI.Tests.Sessions;

/// <summary>Which conversation a tool call belongs to: bound key, ambient key, the sources in their order, default.</summary>
public sealed class ConversationKeyResolverTests
{
    [Fact]
    public void Each_step_wins_over_the_ones_after_it()
    {
        IConversationKeySource[] sources = [new FixedSource("sourced")];

        Assert.Equal("default", ConversationKeyResolver.Resolve(null, "default"));
        Assert.Null(ConversationKeyResolver.Resolve(null, null));
        Assert.Equal("sourced", ConversationKeyResolver.Resolve(null, "default", sources));
        using (IpyBoxConversation.Begin("ambient"))
        {
            Assert.Equal("ambient", ConversationKeyResolver.Resolve(null, "default", sources));
            Assert.Equal("bound", ConversationKeyResolver.Resolve("bound", "default", sources));
        }
    }

    [Fact]
    public void Sources_are_asked_in_order_blank_keys_count_as_none_and_later_sources_are_not_asked()
    {
        var last = new FixedSource("last");
        IConversationKeySource[] sources = [new FixedSource(null), new FixedSource(" "), new FixedSource("first"), last];

        Assert.Equal("first", ConversationKeyResolver.Resolve(null, "default", sources));
        Assert.Equal("first", ConversationKeyResolver.Resolve(null, null, sources));
        Assert.False(last.Asked);
        Assert.Equal("default", ConversationKeyResolver.Resolve(null, "default", sources[..2]));
        Assert.Null(ConversationKeyResolver.Resolve(null, null, sources[..2]));
    }

    [Fact]
    public void Unkeyed_calls_have_no_default_key_unless_the_application_sets_one()
    {
        Assert.Null(new IpyBoxOptions().DefaultConversationKey);
        Assert.Empty(new IpyBoxOptions().ConversationKeySources);
    }

    private sealed class FixedSource(string? key) : IConversationKeySource
    {
        public bool Asked { get; private set; }

        public string? GetConversationKey()
        {
            Asked = true;
            return key;
        }
    }
}
