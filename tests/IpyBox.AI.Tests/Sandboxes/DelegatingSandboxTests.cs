namespace IpyBox.AI.Tests.Sandboxes;

/// <summary>The base of sandbox decorators, through a subclass an application could write: what it passes through and what it answers itself.</summary>
public sealed class DelegatingSandboxTests
{
    private readonly FakeSandbox _inner = new("inner-1");

    [Fact]
    public async Task Every_member_passes_through_to_the_inner_sandbox()
    {
        var sandbox = new CountingSandbox(_inner);
        var handler = new NoHandler();

        var result = await sandbox.ExecuteAsync("1 + 1", TimeSpan.FromSeconds(5));
        await sandbox.ResetAsync();
        var registration = sandbox.AddMessageHandler(handler);

        Assert.Equal("inner-1", sandbox.Id);
        Assert.Same(_inner.Files, sandbox.Files);
        Assert.Null(result.Text);
        Assert.Equal(("1 + 1", TimeSpan.FromSeconds(5)), (Assert.Single(_inner.Submissions).Code, _inner.Submissions[0].Timeout));
        Assert.Equal(1, sandbox.Submitted);
        Assert.Equal(1, _inner.ResetCount);
        Assert.Same(handler, Assert.Single(_inner.MessageHandlers));
        registration.Dispose();
        Assert.Empty(_inner.MessageHandlers);
    }

    [Fact]
    public void GetService_answers_with_the_decorator_for_its_own_types_and_asks_the_inner_sandbox_for_the_rest()
    {
        var sandbox = new CountingSandbox(_inner);

        Assert.Same(sandbox, sandbox.GetService<CountingSandbox>());
        Assert.Same(sandbox, sandbox.GetService<DelegatingSandbox>());
        Assert.Same(sandbox, sandbox.GetService<ISandbox>());
        Assert.Same(_inner, sandbox.GetService<FakeSandbox>());
        Assert.Same(_inner, sandbox.GetService<ISandboxHealthCheck>());
        Assert.Null(sandbox.GetService<CountingSandbox>("a key"));
        Assert.Null(sandbox.GetService<NotebookRecorder>());
        Assert.Throws<ArgumentNullException>(() => sandbox.GetService(null!));
    }

    [Fact]
    public async Task Disposing_runs_the_subclass_core_and_disposes_the_inner_sandbox()
    {
        var sandbox = new CountingSandbox(_inner);

        await sandbox.DisposeAsync();

        Assert.Equal(1, sandbox.DisposedCores);
        Assert.True(_inner.IsDisposed);
    }

    [Fact]
    public void The_inner_sandbox_is_required()
    {
        Assert.Throws<ArgumentNullException>(() => new CountingSandbox(null!));
    }

    [Fact]
    public async Task Decorators_stack_and_each_finds_the_others_through_GetService()
    {
        await using var sandbox = new CountingSandbox(_inner).WithNotebookRecording().WithToolBridge();

        Assert.NotNull(sandbox.GetService<CountingSandbox>());
        Assert.NotNull(sandbox.GetService<NotebookRecorder>());
        Assert.Same(_inner, sandbox.GetService<FakeSandbox>());
        await sandbox.ExecuteAsync("x = 1");
        Assert.Equal(1, sandbox.GetService<CountingSandbox>()!.Submitted);
        Assert.Single(sandbox.GetService<NotebookRecorder>()!.Cells);
    }

    /// <summary>A decorator as an application would write one: it counts submissions and disposals, and passes everything on.</summary>
    private sealed class CountingSandbox(ISandbox inner) : DelegatingSandbox(inner)
    {
        private int _submitted;

        public int Submitted => _submitted;

        public int DisposedCores { get; private set; }

        public override Task<Execution> SubmitAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _submitted);
            return base.SubmitAsync(code, timeout, cancellationToken);
        }

        protected override ValueTask DisposeAsyncCore()
        {
            DisposedCores++;
            return base.DisposeAsyncCore();
        }
    }

    private sealed class NoHandler : IJupyterMessageHandler
    {
        public bool Handle(JupyterMessage message, IJupyterMessageSender sender) => false;
    }
}
