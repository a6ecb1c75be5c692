using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using static IpyBox.AI.IntegrationTests.ScriptedChatClient;

namespace IpyBox.AI.IntegrationTests.Tools;

/// <summary>Approval, a lost container and logging, through the scripted model.</summary>
public sealed class ToolRobustnessTests
{
    private static IChatClient Pipeline(IChatClient model) => new ChatClientBuilder(model).UseFunctionInvocation().Build();

#pragma warning disable MEAI001 // Tool approval is experimental in Microsoft.Extensions.AI.
    [Fact]
    public async Task With_approval_required_code_runs_only_after_the_application_approves()
    {
        await using var scope = await SessionManagerScope.CreateAsync(new IpyBoxOptions { RequireApproval = true });
        var options = new ChatOptions { Tools = [.. scope.Manager.CreatePlugin("approval").AsAIFunctions()] };
        var model = new ScriptedChatClient(
            _ => Call("c1", "execute_python", new() { ["code"] = "print(6 * 7)" }),
            _ => Say("The answer is 42."));
        var chat = Pipeline(model);
        List<ChatMessage> history = [new(ChatRole.User, "compute")];

        var first = await chat.GetResponseAsync(history, options);

        var request = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>());
        Assert.Equal("execute_python", Assert.IsType<FunctionCallContent>(request.ToolCall).Name);
        Assert.Equal(0, scope.Manager.Count); // nothing ran, no sandbox yet

        history.AddMessages(first);
        history.Add(new ChatMessage(ChatRole.User, [request.CreateResponse(approved: true)]));
        var second = await chat.GetResponseAsync(history, options);

        Assert.Equal("The answer is 42.", second.Text);
        Assert.Equal("42", TextOf(ResultOf(model.Requests[^1], "c1")));
        Assert.Equal(1, scope.Manager.Count);
    }
    [Fact]
    public async Task With_approval_required_a_rejected_call_runs_nothing_and_the_model_reads_the_reason()
    {
        await using var scope = await SessionManagerScope.CreateAsync(new IpyBoxOptions { RequireApproval = true });
        var options = new ChatOptions { Tools = [.. scope.Manager.CreatePlugin("rejected").AsAIFunctions()] };
        var model = new ScriptedChatClient(
            _ => Call("c1", "execute_python", new() { ["code"] = "open('/app/ran.txt', 'w').write('ran')" }),
            _ => Say("Not run."));
        var chat = Pipeline(model);
        List<ChatMessage> history = [new(ChatRole.User, "write a file")];
        var first = await chat.GetResponseAsync(history, options);
        var request = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>());

        history.AddMessages(first);
        history.Add(new ChatMessage(ChatRole.User, [request.CreateResponse(approved: false, "too risky")]));
        var second = await chat.GetResponseAsync(history, options);

        Assert.Equal("Not run.", second.Text);
        Assert.Contains("too risky", TextOf(ResultOf(model.Requests[^1], "c1")), StringComparison.Ordinal);
        Assert.Equal(0, scope.Manager.Count);
    }
#pragma warning restore MEAI001

    [Fact]
    public async Task A_lost_container_comes_back_as_a_tool_result_and_the_next_call_gets_a_new_sandbox()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var plugin = scope.Manager.CreatePlugin("lost");
        await plugin.ExecutePythonAsync("x = 1");
        var original = Assert.Single(scope.Manager.Sessions);
        scope.Remember(original.SandboxId);

        await DockerEngine.KillAsync(original.SandboxId);
        var lost = Text(await plugin.ExecutePythonAsync("print(x)"));
        var fresh = Text(await plugin.ExecutePythonAsync("print('new sandbox')"));

        Assert.StartsWith("Error: the sandbox stopped or could not be reached", lost, StringComparison.Ordinal);
        Assert.Contains("A new sandbox will be created on the next call", lost, StringComparison.Ordinal);
        Assert.Equal("new sandbox", fresh);
        Assert.NotEqual(original.SandboxId, Assert.Single(scope.Manager.Sessions).SandboxId);
        Assert.False(await DockerEngine.ContainerExistsAsync(original.SandboxId));
    }

    [Fact]
    public async Task A_dead_kernel_comes_back_as_a_tool_result_and_the_sandbox_stays_usable()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var plugin = scope.Manager.CreatePlugin("dies");
        await plugin.ExecutePythonAsync("x = 1\nopen('kept.txt', 'w').write('file survives')");
        var containerId = Assert.Single(scope.Manager.Sessions).SandboxId;

        var died = Text(await plugin.ExecutePythonAsync("import os\nos._exit(1)"));
        var after = Text(await plugin.ExecutePythonAsync("print('x' in globals(), open('kept.txt').read())"));

        Assert.StartsWith("Error: the Python kernel died while running the code", died, StringComparison.Ordinal);
        Assert.Equal("False file survives", after);
        Assert.Equal(containerId, Assert.Single(scope.Manager.Sessions).SandboxId);
    }

    [Fact]
    public async Task Sessions_and_tool_failures_are_logged_through_ILogger_and_code_only_at_trace_level()
    {
        await DockerEngine.EnsureAvailableAsync();
        var logs = new ListLoggerProvider();
        var manager = new SandboxSessionManager(new IpyBoxOptions { MaxSessions = 1, SessionLimitBehavior = SessionLimitBehavior.Reject }, logs);
        try
        {
            await manager.CreatePlugin("logged").ExecutePythonAsync("secret_code_marker = 1");
            await manager.CreatePlugin("refused").ListFilesAsync();
        }
        finally
        {
            await manager.DisposeAsync();
        }

        Assert.Contains(logs.Entries, e => e.EventId == 200 && e.Message.Contains("conversation logged", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.EventId == 211 && e.Level == LogLevel.Warning && e.Message.Contains("list_files", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.EventId == 201 && e.Message.Contains("conversation logged", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("secret_code_marker", StringComparison.Ordinal));
    }

    private static string Text(IList<AIContent> contents) => TextOf(new(string.Empty, contents));

    private sealed class ListLoggerProvider : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public List<(int EventId, LogLevel Level, string Message)> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => new ListLogger(this);

        public void Dispose()
        {
        }

        private sealed class ListLogger(ListLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug; // code is logged at Trace only

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel))
                {
                    return;
                }

                lock (owner.Entries)
                {
                    owner.Entries.Add((eventId.Id, logLevel, formatter(state, exception)));
                }
            }
        }
    }
}
