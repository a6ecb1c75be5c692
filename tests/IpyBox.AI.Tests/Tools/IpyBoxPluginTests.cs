using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using TextContent = Microsoft.Extensions.AI.TextContent;

namespace IpyBox.AI.Tests.Tools;

/// <summary>The AI tools as thin adapters over the tool core, on a fake sandbox provider.</summary>
public sealed class IpyBoxPluginTests : IAsyncDisposable
{
    private readonly FakeSandboxProvider _provider = new();
    private readonly SandboxSessionManager _sessions;

    public IpyBoxPluginTests()
    {
        _sessions = new SandboxSessionManager(_provider, new IpyBoxOptions());
    }

    public ValueTask DisposeAsync() => _sessions.DisposeAsync();

    [Fact]
    public async Task Execute_python_returns_the_core_contents_in_the_ambient_conversation()
    {
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("drawn", images: 1));
        var execute = _sessions.CreatePlugin().AsAIFunctions().Single(f => f.Name == "execute_python");

        object? result;
        using (IpyBoxConversation.Begin("thread-1"))
        {
            result = await execute.InvokeAsync(new AIFunctionArguments { ["code"] = "draw()", ["timeoutSeconds"] = 0 });
        }

        var contents = Assert.IsAssignableFrom<IEnumerable<AIContent>>(result).ToList();
        Assert.Equal("drawn\n[image 1: image/png, 3x2 pixels]", Assert.IsType<TextContent>(contents[0]).Text);
        Assert.Equal("image/png", Assert.IsType<DataContent>(contents[1]).MediaType);
        Assert.Equal("thread-1", Assert.Single(_provider.Requests).ConversationKey);

        // A non-positive limit from a model means "no limit given": the configured default applies.
        Assert.Equal(_sessions.Options.Client.DefaultTimeout, Assert.Single(_provider.Sandboxes.Single().Submissions).Timeout);
    }

    [Fact]
    public async Task The_observed_output_of_a_flow_receives_the_cells_of_execute_python_and_install_packages_while_they_run()
    {
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("line 1\nline 2\n", images: 1));
        var functions = _sessions.CreatePlugin().AsAIFunctions();
        var seen = new List<ExecutionEvent>();
        var other = new List<ExecutionEvent>();

        using (IpyBoxConversation.Begin("thread-out"))
        {
            using (IpyBoxConversation.ObserveOutput(new ListProgress(seen)))
            {
                await functions.Single(f => f.Name == "execute_python").InvokeAsync(new AIFunctionArguments { ["code"] = "show()" });
                using (IpyBoxConversation.ObserveOutput(new ListProgress(other)))
                {
                    await functions.Single(f => f.Name == "install_packages").InvokeAsync(new AIFunctionArguments { ["packages"] = "six" });
                }

                Assert.NotNull(IpyBoxConversation.CurrentOutput);
            }

            Assert.Null(IpyBoxConversation.CurrentOutput);

            // Outside the scope nothing is reported.
            var reported = seen.Count;
            await functions.Single(f => f.Name == "execute_python").InvokeAsync(new AIFunctionArguments { ["code"] = "again()" });
            Assert.Equal(reported, seen.Count);
        }

        Assert.Equal("line 1\nline 2\n", string.Concat(seen.OfType<StreamOutputEvent>().Select(e => e.Text)));
        Assert.Equal(3, Assert.Single(seen.OfType<DisplayDataEvent>()).Image?.Width);
        Assert.Equal("line 1\nline 2\n", string.Concat(other.OfType<StreamOutputEvent>().Select(e => e.Text)));
    }

    [Fact]
    public void An_output_observer_is_required() => Assert.Throws<ArgumentNullException>(() => IpyBoxConversation.ObserveOutput(null!));

    [Fact]
    public async Task A_direct_Semantic_Kernel_invocation_gives_its_images_as_kernel_image_contents()
    {
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("two plots", images: 2));
        var kernel = new Kernel();
        kernel.Plugins.Add(_sessions.CreatePlugin().AsKernelPlugin("python"));
        kernel.Data[IpyBoxConversation.PropertyName] = "thread-sk";

        var result = await kernel.InvokeAsync("python", "execute_python", new KernelArguments { ["code"] = "plot()" });

        var images = result.GetImageContents();
        Assert.Equal(2, images.Count);
        Assert.All(images, image =>
        {
            Assert.Equal("image/png", image.MimeType);
            Assert.Equal(Convert.FromBase64String(Frames.TinyPng), image.Data!.Value.ToArray());
        });

        var message = result.ToChatMessageContent();
        Assert.Equal(AuthorRole.User, message.Role);
        Assert.Equal("two plots\n[image 1: image/png, 3x2 pixels]\n[image 2: image/png, 3x2 pixels]", Assert.IsType<Microsoft.SemanticKernel.TextContent>(message.Items[0]).Text);
        Assert.Equal(images.Select(i => i.Data!.Value.ToArray()), message.Items.Skip(1).Cast<ImageContent>().Select(i => i.Data!.Value.ToArray()));
        Assert.Equal(AuthorRole.Tool, result.ToChatMessageContent(AuthorRole.Tool).Role);

        // The value itself stays the Microsoft.Extensions.AI contents that chat clients forward.
        Assert.Equal(3, result.GetValue<IList<AIContent>>()!.Count);
        Assert.Equal("thread-sk", Assert.Single(_provider.Requests).ConversationKey);
    }

    [Fact]
    public async Task A_result_without_images_gives_no_image_contents_and_its_text_as_one_item()
    {
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("42"));
        var kernel = new Kernel();
        kernel.Plugins.Add(_sessions.CreatePlugin("thread-text").AsKernelPlugin("python"));

        var result = await kernel.InvokeAsync("python", "execute_python", new KernelArguments { ["code"] = "print(42)" });

        Assert.Empty(result.GetImageContents());
        Assert.Equal("42", Assert.IsType<Microsoft.SemanticKernel.TextContent>(Assert.Single(result.ToChatMessageContent().Items)).Text);
    }

    [Fact]
    public async Task A_bound_key_wins_and_package_lists_are_split_on_spaces_and_commas()
    {
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("ok"));
        var plugin = _sessions.CreatePlugin("bound");

        string text;
        using (IpyBoxConversation.Begin("ambient"))
        {
            text = await plugin.InstallPackagesAsync("a, b\tc");
        }

        Assert.Equal("Installed a b c.\nok", text);
        Assert.Equal(["bound"], _sessions.ConversationKeys);
    }

    [Fact]
    public async Task An_unkeyed_call_is_refused_by_default_with_how_to_bind_a_key_and_starts_no_sandbox()
    {
        var execute = _sessions.CreatePlugin().AsAIFunctions().Single(f => f.Name == "execute_python");

        var first = await execute.InvokeAsync(new AIFunctionArguments { ["code"] = "secret = 1" });
        var second = await execute.InvokeAsync(new AIFunctionArguments { ["code"] = "print(secret)" });

        var text = Assert.IsType<TextContent>(Assert.Single(Assert.IsAssignableFrom<IEnumerable<AIContent>>(first))).Text;
        Assert.StartsWith("Error: this tool call belongs to no conversation", text, StringComparison.Ordinal);
        Assert.Contains("IpyBoxConversation.Begin(key)", text, StringComparison.Ordinal);
        Assert.Contains("CreatePlugin(key)", text, StringComparison.Ordinal);
        Assert.Contains("IpyBoxOptions.DefaultConversationKey", text, StringComparison.Ordinal);
        Assert.Equal(text, Assert.IsType<TextContent>(Assert.Single(Assert.IsAssignableFrom<IEnumerable<AIContent>>(second))).Text);
        Assert.Empty(_provider.Requests);
    }

    [Fact]
    public async Task Unkeyed_calls_share_one_sandbox_only_when_the_application_names_a_default()
    {
        await using var shared = new SandboxSessionManager(_provider, new IpyBoxOptions { DefaultConversationKey = "shared" });
        var execute = shared.CreatePlugin().AsAIFunctions().Single(f => f.Name == "execute_python");

        await execute.InvokeAsync(new AIFunctionArguments { ["code"] = "1" });
        await execute.InvokeAsync(new AIFunctionArguments { ["code"] = "2" });

        Assert.Equal("shared", Assert.Single(_provider.Requests).ConversationKey);
        Assert.Equal(2, _provider.Sandboxes.Single().Submissions.Count);
    }

    [Fact]
    public async Task Errors_come_back_as_text()
    {
        _provider.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Fails(new TimeoutException("late")));
        var plugin = _sessions.CreatePlugin("errors");

        var contents = await plugin.ExecutePythonAsync("sleep()", timeoutSeconds: 3);

        var text = Assert.IsType<TextContent>(Assert.Single(contents)).Text;
        Assert.StartsWith("Error: the execution did not finish within 3 seconds", text, StringComparison.Ordinal);
    }

    private sealed class ListProgress(List<ExecutionEvent> events) : IProgress<ExecutionEvent>
    {
        public void Report(ExecutionEvent value) => events.Add(value);
    }
}
