using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace IpyBox.AI.Tests.Sessions;

/// <summary>Which conversation a tool call belongs to: bound key, ambient key, chat options, kernel data, default.</summary>
public sealed class ConversationKeyResolverTests
{
    [Fact]
    public void Each_source_wins_over_the_ones_after_it()
    {
        var kernel = new Kernel();
        kernel.Data[IpyBoxConversation.PropertyName] = "from-kernel";
        var options = new ChatOptions { AdditionalProperties = new() { [IpyBoxConversation.PropertyName] = "from-options" } };

        Assert.Equal("default", ConversationKeyResolver.Resolve(null, null, "default"));
        Assert.Null(ConversationKeyResolver.Resolve(null, null, null));
        Assert.Equal("from-kernel", ConversationKeyResolver.Resolve(null, kernel, "default"));
        using (InvocationContext.Begin(options))
        {
            Assert.Equal("from-options", ConversationKeyResolver.Resolve(null, kernel, "default"));
            using (IpyBoxConversation.Begin("ambient"))
            {
                Assert.Equal("ambient", ConversationKeyResolver.Resolve(null, kernel, "default"));
                Assert.Equal("bound", ConversationKeyResolver.Resolve("bound", kernel, "default"));
            }
        }
    }

    [Fact]
    public void Application_sources_come_after_the_ambient_key_and_before_chat_options_in_their_order()
    {
        var options = new ChatOptions { AdditionalProperties = new() { [IpyBoxConversation.PropertyName] = "from-options" } };
        IConversationKeySource[] sources = [new FixedSource(null), new FixedSource(" "), new FixedSource("first"), new FixedSource("second")];

        using (InvocationContext.Begin(options))
        {
            Assert.Equal("first", ConversationKeyResolver.Resolve(null, null, "default", sources));
            Assert.Equal("from-options", ConversationKeyResolver.Resolve(null, null, "default", sources[..2]));
            using (IpyBoxConversation.Begin("ambient"))
            {
                Assert.Equal("ambient", ConversationKeyResolver.Resolve(null, null, "default", sources));
            }
        }

        Assert.Equal("first", ConversationKeyResolver.Resolve(null, null, null, sources));
    }

    [Fact]
    public void Unkeyed_calls_have_no_default_key_unless_the_application_sets_one()
    {
        Assert.Null(new IpyBoxOptions().DefaultConversationKey);
        Assert.Empty(new IpyBoxOptions().ConversationKeySources);
    }

    private sealed class FixedSource(string? key) : IConversationKeySource
    {
        public string? GetConversationKey() => key;
    }

    [Fact]
    public void Blank_keys_in_options_and_kernel_data_are_skipped()
    {
        var kernel = new Kernel();
        kernel.Data[IpyBoxConversation.PropertyName] = " ";
        var options = new ChatOptions { AdditionalProperties = new() { [IpyBoxConversation.PropertyName] = string.Empty } };

        using (InvocationContext.Begin(options))
        {
            Assert.Equal("default", ConversationKeyResolver.Resolve(null, kernel, "default"));
        }
    }

    [Fact]
    public void Non_string_keys_are_read_in_the_invariant_culture()
    {
        var kernel = new Kernel();
        kernel.Data[IpyBoxConversation.PropertyName] = 1234.5;

        Assert.Equal("1234.5", ConversationKeyResolver.Resolve(null, kernel, null));
    }

    /// <summary>Sets the function-invoking client's current context, as it does around each function call.</summary>
    private sealed class InvocationContext : FunctionInvokingChatClient
    {
        private InvocationContext()
            : base(new NullChatClient())
        {
        }

        public static IDisposable Begin(ChatOptions options)
        {
            var previous = CurrentContext;
            CurrentContext = new Microsoft.Extensions.AI.FunctionInvocationContext { Options = options };
            return new Restore(previous);
        }

        private sealed class Restore(Microsoft.Extensions.AI.FunctionInvocationContext? previous) : IDisposable
        {
            public void Dispose() => CurrentContext = previous;
        }
    }
}
