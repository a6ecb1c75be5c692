using System.Text.Json;
using Microsoft.Extensions.AI;

namespace IpyBox.AI.Tests.Sessions;

/// <summary>Notebooks of conversations: exported by the application by key, and by the model only when the application allows it.</summary>
public sealed class NotebookExportTests
{
    private readonly FakeSandboxProvider _provider = new()
    {
        ConfigureSandbox = s => s.OnSubmit = (submission, _) =>
            Task.FromResult(Execution.FromResult(new ExecutionResult(submission.Code, stdout: $"ran {submission.Code}\n"))),
    };

    [Fact]
    public async Task The_application_exports_a_conversation_by_key()
    {
        await using var sessions = new SandboxSessionManager(_provider);
        await (await sessions.GetOrCreateAsync("thread-1")).ExecuteAsync("x = 1");
        await (await sessions.GetOrCreateAsync("thread-2")).ExecuteAsync("y = 2");

        using var stream = new MemoryStream();
        Assert.True(await sessions.ExportNotebookAsync("thread-1", stream));

        using var notebook = JsonDocument.Parse(stream.ToArray());
        var cell = Assert.Single(notebook.RootElement.GetProperty("cells").EnumerateArray());
        Assert.Equal("x = 1", cell.GetProperty("source").GetString());
        Assert.Equal("ran x = 1\n", cell.GetProperty("outputs")[0].GetProperty("text").GetString());
        Assert.False(await sessions.ExportNotebookAsync("no-such-thread", new MemoryStream()));
    }

    [Fact]
    public async Task With_recording_off_sandboxes_are_not_wrapped_for_recording_and_export_says_how_to_turn_it_on()
    {
        await using var sessions = new SandboxSessionManager(_provider, new IpyBoxOptions { Notebooks = null });
        var session = await sessions.GetOrCreateAsync("thread");

        // The only decorator left is the tool bridge, which every session's sandbox has.
        var bridge = Assert.IsType<ToolBridgeSandbox>(session.Sandbox);
        Assert.Null(bridge.GetService<RecordingSandbox>());
        Assert.Null(bridge.GetService<NotebookRecorder>());
        Assert.Same(_provider.Sandboxes.Single(), bridge.GetService<FakeSandbox>());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => sessions.ExportNotebookAsync("thread", new MemoryStream()));
        Assert.Contains("IpyBoxOptions.Notebooks", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_model_gets_the_export_tool_only_when_the_application_allows_it_and_it_writes_into_the_sandbox()
    {
        await using var closed = new SandboxSessionManager(_provider);
        Assert.DoesNotContain(closed.CreatePlugin().AsAIFunctions(), f => f.Name == "export_notebook");
        Assert.DoesNotContain(closed.CreatePlugin().AsKernelPlugin(), f => f.Name == "export_notebook");
        Assert.StartsWith("Error:", await closed.CreatePlugin("thread").ExportNotebookAsync("n.ipynb"), StringComparison.Ordinal);

        await using var open = new SandboxSessionManager(_provider, new IpyBoxOptions { AllowNotebookExportTool = true });
        var plugin = open.CreatePlugin("thread");
        await plugin.ExecutePythonAsync("z = 3");
        string? written = null;
        _provider.Sandboxes[^1].Files.OnCall = (call, _) =>
        {
            written = File.ReadAllText(call.LocalPath!);
            return Task.CompletedTask;
        };

        var export = plugin.AsAIFunctions().Single(f => f.Name == "export_notebook");
        var reply = await export.InvokeAsync(new AIFunctionArguments { ["path"] = "out/analysis.ipynb" });

        Assert.Equal("Saved the notebook of this conversation (1 cells) to /app/out/analysis.ipynb.", reply?.ToString());
        var upload = Assert.Single(_provider.Sandboxes[^1].Files.Calls);
        Assert.Equal(("UploadFileAsync", "out/analysis.ipynb"), (upload.Operation, upload.RelativePath));
        Assert.False(File.Exists(upload.LocalPath), "the temporary file is removed");
        using var notebook = JsonDocument.Parse(written!);
        Assert.Equal("z = 3", notebook.RootElement.GetProperty("cells")[0].GetProperty("source").GetString());
        Assert.Contains("escapes /app", await plugin.ExportNotebookAsync("../outside.ipynb"), StringComparison.Ordinal);
    }
}
