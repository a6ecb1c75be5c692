namespace IpyBox.AI.Tests;

/// <summary><see cref="OpenTelemetrySandboxProvider"/> over a fake provider, observed with a real activity and meter listener.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class OpenTelemetrySandboxProviderTests : IDisposable
{
    private readonly TelemetryRecorder _recorder = new();
    private readonly FakeSandboxProvider _fake = new();

    [Fact]
    public async Task A_sandbox_start_an_execution_and_a_file_call_become_spans_and_measurements()
    {
        var key = Guid.NewGuid().ToString("N");
        _fake.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("secret output"));
        var provider = new OpenTelemetrySandboxProvider(_fake);

        var sandbox = await provider.CreateAsync(new SandboxRequest { ConversationKey = key });
        var execution = await sandbox.SubmitAsync("print('secret code')");
        await execution.GetResultAsync();
        await sandbox.Files.DeleteFileAsync("a.txt");
        var activeWhileOpen = _recorder.Measurements("ipybox.sandbox.active").Sum(m => m.Value);
        await sandbox.DisposeAsync();
        await sandbox.DisposeAsync();

        var start = Assert.Single(_recorder.Spans, a => a.OperationName == "create_sandbox" && (string?)a.GetTagItem("gen_ai.conversation.id") == key);
        Assert.Equal(sandbox.Id, start.GetTagItem("ipybox.sandbox.id"));
        var run = await _recorder.WaitForSpanAsync("execute_code", "ipybox.execution.id", execution.Id);
        Assert.Equal(sandbox.Id, run.GetTagItem("ipybox.sandbox.id"));
        Assert.Null(run.GetTagItem("ipybox.execution.code"));
        Assert.Null(run.GetTagItem("ipybox.execution.output"));
        var delete = await _recorder.WaitForSpanAsync("delete_file", "ipybox.sandbox.id", sandbox.Id);
        Assert.Equal("a.txt", delete.GetTagItem("ipybox.file.path"));
        Assert.NotEmpty(_recorder.Measurements("ipybox.sandbox.start.duration"));
        Assert.NotEmpty(_recorder.Measurements("ipybox.execution.duration"));
        Assert.Contains(_recorder.Measurements("ipybox.file.operation.duration"), m => (string?)m.Tags["ipybox.file.operation"] == "delete_file");
        Assert.True(activeWhileOpen >= 1, "a live sandbox counts in ipybox.sandbox.active");
        Assert.Contains(_recorder.Measurements("ipybox.sandbox.active"), m => m.Value == -1);
    }

    [Fact]
    public async Task A_sandbox_attached_through_the_directory_is_observed_as_a_created_one()
    {
        var directory = new FakeSandboxDirectory(TimeProvider.System);
        _fake.Directory = directory;
        var id = Guid.NewGuid().ToString("N");
        directory.Add(new SandboxInfo(id, SandboxState.Stopped, DateTimeOffset.UtcNow) { Lease = TimeSpan.FromHours(1) });
        var provider = new OpenTelemetrySandboxProvider(_fake);

        var found = provider.GetService<ISandboxDirectory>();
        await using var sandbox = await found!.AttachAsync(id);
        var execution = await sandbox.SubmitAsync("x = 1");
        await execution.GetResultAsync();

        Assert.Single(_recorder.Spans, a => a.OperationName == "attach_sandbox" && (string?)a.GetTagItem("ipybox.sandbox.id") == id);
        var run = await _recorder.WaitForSpanAsync("execute_code", "ipybox.execution.id", execution.Id);
        Assert.Equal(id, run.GetTagItem("ipybox.sandbox.id"));
        Assert.Equal(SandboxState.Running, (await found.FindAsync(id))!.State);
    }

    [Fact]
    public async Task A_failed_execution_is_an_error_span_and_counted_by_its_error_type()
    {
        _fake.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Raises("ValueError", "bad", null));
        var provider = new OpenTelemetrySandboxProvider(_fake);
        await using var sandbox = await provider.CreateAsync();

        var execution = await sandbox.SubmitAsync("raise ValueError('bad')");
        await Assert.ThrowsAsync<ExecutionException>(() => execution.GetResultAsync());

        var run = await _recorder.WaitForSpanAsync("execute_code", "ipybox.execution.id", execution.Id);
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Error, run.Status);
        Assert.Equal(typeof(ExecutionException).FullName, run.GetTagItem("error.type"));
        Assert.Contains(_recorder.Measurements("ipybox.execution.errors"), m => (string?)m.Tags["error.type"] == typeof(ExecutionException).FullName);
    }

    [Fact]
    public async Task Code_and_output_are_recorded_only_when_sensitive_data_is_enabled()
    {
        _fake.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("the output"));
        var provider = new OpenTelemetrySandboxProvider(_fake) { EnableSensitiveData = true };
        await using var sandbox = await provider.CreateAsync();

        var execution = await sandbox.SubmitAsync("print('the output')");
        await execution.GetResultAsync();

        var run = await _recorder.WaitForSpanAsync("execute_code", "ipybox.execution.id", execution.Id);
        Assert.Equal("print('the output')", run.GetTagItem("ipybox.execution.code"));
        Assert.Equal("the output", run.GetTagItem("ipybox.execution.output"));
    }

    [Fact]
    public async Task A_tool_call_is_an_execute_tool_span_named_and_tagged_like_MEAI_does()
    {
        var key = Guid.NewGuid().ToString("N");
        _fake.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("42"));
        await using var sessions = new SandboxSessionManager(_fake, new IpyBoxOptions());
        var tools = new SandboxTools(sessions);

        await tools.ExecuteAsync(key, "print(42)");
        await tools.ExecuteAsync(key, "bad\0code");

        var spans = _recorder.Spans.Where(a => (string?)a.GetTagItem("gen_ai.conversation.id") == key).ToList();
        Assert.Equal(2, spans.Count);
        Assert.All(spans, span =>
        {
            Assert.Equal("execute_tool execute_python", span.DisplayName);
            Assert.Equal("execute_tool", span.GetTagItem("gen_ai.operation.name"));
            Assert.Equal("function", span.GetTagItem("gen_ai.tool.type"));
            Assert.Equal("execute_python", span.GetTagItem("gen_ai.tool.name"));
            Assert.Null(span.GetTagItem("gen_ai.tool.call.result"));
        });
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Unset, spans[0].Status);
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Error, spans[1].Status);
        Assert.Equal("tool_error", spans[1].GetTagItem("error.type"));
    }

    [Fact]
    public async Task Tool_results_are_recorded_only_when_sensitive_data_is_enabled()
    {
        var key = Guid.NewGuid().ToString("N");
        _fake.ConfigureSandbox = s => s.OnSubmit = FakeCells.Always(() => FakeCells.Prints("42"));
        await using var sessions = new SandboxSessionManager(_fake, new IpyBoxOptions { EnableSensitiveTelemetryData = true });

        await new SandboxTools(sessions).ExecuteAsync(key, "print(42)");

        var span = Assert.Single(_recorder.Spans, a => (string?)a.GetTagItem("gen_ai.conversation.id") == key);
        Assert.Equal("42", span.GetTagItem("gen_ai.tool.call.result"));
    }

    public void Dispose() => _recorder.Dispose();
}

/// <summary>Telemetry tests listen process-wide: they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry";
}
