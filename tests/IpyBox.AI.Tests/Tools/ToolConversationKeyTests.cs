using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace IpyBox.AI.Tests.Tools;

/// <summary>
/// Which conversation a call to the AI tools belongs to, in the documented order: bound key, ambient key, the application's
/// sources, chat options, kernel data, default.
/// </summary>
public sealed class ToolConversationKeyTests
{
    [Fact]
    public void Each_source_wins_over_the_ones_after_it()
    {
        var kernel = new Kernel();
        kernel.Data[IpyBoxConversation.PropertyName] = "from-kernel";
        var options = new ChatOptions { AdditionalProperties = new() { [IpyBoxConversation.PropertyName] = "from-options" } };

        Assert.Equal("default", IpyBoxPlugin.ResolveConversationKey(null, null, Options("default")));
        Assert.Null(IpyBoxPlugin.ResolveConversationKey(null, null, Options(null)));
        Assert.Equal("from-kernel", IpyBoxPlugin.ResolveConversationKey(null, kernel, Options("default")));
        using (FunctionInvocationScope.Begin(options))
        {
            Assert.Equal("from-options", IpyBoxPlugin.ResolveConversationKey(null, kernel, Options("default")));
            using (IpyBoxConversation.Begin("ambient"))
            {
                Assert.Equal("ambient", IpyBoxPlugin.ResolveConversationKey(null, kernel, Options("default")));
                Assert.Equal("bound", IpyBoxPlugin.ResolveConversationKey("bound", kernel, Options("default")));
            }
        }
    }

    [Fact]
    public void Application_sources_come_after_the_ambient_key_and_before_chat_options_in_their_order()
    {
        var options = new ChatOptions { AdditionalProperties = new() { [IpyBoxConversation.PropertyName] = "from-options" } };
        IConversationKeySource[] sources = [new FixedSource(null), new FixedSource(" "), new FixedSource("first"), new FixedSource("second")];

        using (FunctionInvocationScope.Begin(options))
        {
            Assert.Equal("first", IpyBoxPlugin.ResolveConversationKey(null, null, Options("default", sources)));
            Assert.Equal("from-options", IpyBoxPlugin.ResolveConversationKey(null, null, Options("default", sources[..2])));
            using (IpyBoxConversation.Begin("ambient"))
            {
                Assert.Equal("ambient", IpyBoxPlugin.ResolveConversationKey(null, null, Options("default", sources)));
            }
        }

        Assert.Equal("first", IpyBoxPlugin.ResolveConversationKey(null, null, Options(null, sources)));
    }

    [Fact]
    public void Blank_keys_in_options_and_kernel_data_are_skipped()
    {
        var kernel = new Kernel();
        kernel.Data[IpyBoxConversation.PropertyName] = " ";
        var options = new ChatOptions { AdditionalProperties = new() { [IpyBoxConversation.PropertyName] = string.Empty } };

        using (FunctionInvocationScope.Begin(options))
        {
            Assert.Equal("default", IpyBoxPlugin.ResolveConversationKey(null, kernel, Options("default")));
        }
    }

    [Fact]
    public void Non_string_keys_are_read_in_the_invariant_culture()
    {
        var kernel = new Kernel();
        kernel.Data[IpyBoxConversation.PropertyName] = 1234.5;

        Assert.Equal("1234.5", IpyBoxPlugin.ResolveConversationKey(null, kernel, Options(null)));
    }

    private static IpyBoxOptions Options(string? defaultKey, params IConversationKeySource[] sources)
    {
        var options = new IpyBoxOptions { DefaultConversationKey = defaultKey };
        foreach (var source in sources)
        {
            options.ConversationKeySources.Add(source);
        }

        return options;
    }

    private sealed class FixedSource(string? key) : IConversationKeySource
    {
        public string? GetConversationKey() => key;
    }
}
