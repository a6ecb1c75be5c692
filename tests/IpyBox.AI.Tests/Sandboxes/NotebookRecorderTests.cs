using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace IpyBox.AI.Tests.Sandboxes;

/// <summary>Recording cells and writing them as nbformat 4 notebooks, on hand-made executions.</summary>
public sealed class NotebookRecorderTests
{
    private static readonly byte[] s_png = Convert.FromBase64String(Frames.TinyPng);

    [Fact]
    public async Task Cells_and_their_outputs_are_written_as_an_nbformat_4_notebook()
    {
        var recorder = new NotebookRecorder();
        var execution = NewExecution("a");
        recorder.Record("print('hi')\n42", execution);
        Feed(
            execution,
            Frames.Stream("a", "stdout", "h"),
            Frames.Stream("a", "stdout", "i\n"),
            Frames.Stream("a", "stderr", "careful\n"),
            Frames.Display("a", new JsonObject { ["image/png"] = Frames.TinyPng, ["text/plain"] = "<Figure>" }),
            Frames.Display("a", new JsonObject { ["text/html"] = "<b>x</b>", ["application/json"] = new JsonObject { ["k"] = 1 } }),
            Frames.Result("a", new JsonObject { ["text/plain"] = "42" }, count: 5),
            Frames.Reply("a", count: 5),
            Frames.Status("a", "idle"));
        await execution.GetResultAsync();
        var failing = NewExecution("b");
        recorder.Record("1 / 0", failing);
        Feed(failing, Frames.Error("b", "ZeroDivisionError", "division by zero", "Traceback", "ZeroDivisionError: division by zero"), Frames.Reply("b", "error", 6), Frames.Status("b", "idle"));
        await Assert.ThrowsAsync<ExecutionException>(() => failing.GetResultAsync());
        Assert.All(recorder.Cells, c => Assert.True(c.IsComplete, "a cell is complete once its result is available"));

        using var notebook = await WriteAsync(recorder);

        var root = notebook.RootElement;
        Assert.Equal(4, root.GetProperty("nbformat").GetInt32());
        Assert.Equal(5, root.GetProperty("nbformat_minor").GetInt32());
        Assert.Equal("python3", root.GetProperty("metadata").GetProperty("kernelspec").GetProperty("name").GetString());
        var cells = root.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(2, cells.Count);
        Assert.Equal(["cell-1", "cell-2"], cells.Select(c => c.GetProperty("id").GetString()));

        var first = cells[0];
        Assert.Equal("code", first.GetProperty("cell_type").GetString());
        Assert.Equal("print('hi')\n42", first.GetProperty("source").GetString());
        Assert.Equal(5, first.GetProperty("execution_count").GetInt32());
        var outputs = first.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(["stream", "stream", "display_data", "display_data", "execute_result"], outputs.Select(o => o.GetProperty("output_type").GetString()));
        Assert.Equal(("stdout", "hi\n"), (outputs[0].GetProperty("name").GetString(), outputs[0].GetProperty("text").GetString()));
        Assert.Equal(("stderr", "careful\n"), (outputs[1].GetProperty("name").GetString(), outputs[1].GetProperty("text").GetString()));
        Assert.Equal(s_png, Convert.FromBase64String(outputs[2].GetProperty("data").GetProperty("image/png").GetString()!));
        Assert.Equal(3, outputs[2].GetProperty("metadata").GetProperty("image/png").GetProperty("width").GetInt32());
        Assert.Equal("<Figure>", outputs[2].GetProperty("data").GetProperty("text/plain").GetString());
        Assert.Equal("<b>x</b>", outputs[3].GetProperty("data").GetProperty("text/html").GetString());
        Assert.Equal(1, outputs[3].GetProperty("data").GetProperty("application/json").GetProperty("k").GetInt32());
        Assert.Equal(5, outputs[4].GetProperty("execution_count").GetInt32());
        Assert.Equal("42", outputs[4].GetProperty("data").GetProperty("text/plain").GetString());

        var error = Assert.Single(cells[1].GetProperty("outputs").EnumerateArray());
        Assert.Equal(6, cells[1].GetProperty("execution_count").GetInt32());
        Assert.Equal(("error", "ZeroDivisionError", "division by zero"), (error.GetProperty("output_type").GetString(), error.GetProperty("ename").GetString(), error.GetProperty("evalue").GetString()));
        Assert.Equal(["Traceback", "ZeroDivisionError: division by zero"], error.GetProperty("traceback").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public async Task A_running_cell_is_written_with_the_outputs_it_produced_so_far()
    {
        var recorder = new NotebookRecorder();
        var execution = NewExecution("run");
        recorder.Record("long_job()", execution);
        Feed(execution, Frames.Stream("run", "stdout", "step 1\n"));

        using var notebook = await WriteAsync(recorder);

        var cell = Assert.Single(notebook.RootElement.GetProperty("cells").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, cell.GetProperty("execution_count").ValueKind);
        Assert.Equal("step 1\n", Assert.Single(cell.GetProperty("outputs").EnumerateArray()).GetProperty("text").GetString());
        Assert.False(recorder.Cells[0].IsComplete);
    }

    [Fact]
    public async Task A_cleared_output_is_gone_and_a_waiting_clear_takes_effect_with_the_next_output()
    {
        var recorder = new NotebookRecorder();
        var execution = NewExecution("c");
        recorder.Record("progress()", execution);
        Feed(
            execution,
            Frames.Stream("c", "stdout", "10%\n"),
            Frames.ClearOutput("c", wait: false),
            Frames.Stream("c", "stdout", "50%\n"),
            Frames.ClearOutput("c", wait: true),
            Frames.Stream("c", "stdout", "100%\n"),
            Frames.Reply("c"),
            Frames.Status("c", "idle"));
        await execution.GetResultAsync();

        Assert.Equal([new StreamOutputEvent(OutputStreamName.Stdout, "100%\n")], recorder.Cells[0].Outputs);
    }

    [Fact]
    public async Task A_timed_out_cell_says_how_it_ended()
    {
        var time = new FakeTimeProvider();
        var recorder = new NotebookRecorder();
        var execution = new Execution("t", TimeSpan.FromSeconds(5), TimeSpan.Zero, _ => Task.CompletedTask, time);
        recorder.Record("while True: pass", execution);

        time.Advance(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<ExecutionTimeoutException>(() => execution.GetResultAsync());

        var error = Assert.IsType<ExecutionErrorEvent>(Assert.Single(recorder.Cells[0].Outputs));
        Assert.Equal(nameof(ExecutionTimeoutException), error.ErrorName);
    }

    [Fact]
    public async Task The_oldest_cells_are_dropped_beyond_the_cell_cap_and_the_notebook_says_so()
    {
        var recorder = new NotebookRecorder(new NotebookRecordingOptions { MaxCells = 2 });
        foreach (var n in new[] { 1, 2, 3 })
        {
            recorder.Record($"x = {n}", Execution.FromResult(new ExecutionResult(null, executionCount: n)));
        }

        Assert.All(recorder.Cells, c => Assert.True(c.IsComplete));
        Assert.Equal(["x = 2", "x = 3"], recorder.Cells.Select(c => c.Code));
        Assert.Equal(1, recorder.DroppedCellCount);

        using var notebook = await WriteAsync(recorder);
        var cells = notebook.RootElement.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(["markdown", "code", "code"], cells.Select(c => c.GetProperty("cell_type").GetString()));
        Assert.Contains("1 earlier cell", cells[0].GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, notebook.RootElement.GetProperty("metadata").GetProperty("ipybox").GetProperty("dropped_cells").GetInt32());
    }

    [Fact]
    public async Task Output_beyond_the_size_cap_is_left_out_and_older_cells_make_room()
    {
        var recorder = new NotebookRecorder(new NotebookRecordingOptions { MaxRecordedBytes = 2048 });
        var earlier = new string('o', 1000);
        recorder.Record("earlier()", Execution.FromResult(new ExecutionResult(earlier, stdout: earlier)));
        var execution = NewExecution("big");
        recorder.Record("print_a_lot()", execution);
        Feed(
            execution,
            Frames.Stream("big", "stdout", new string('a', 1500)),
            Frames.Stream("big", "stdout", new string('b', 1500)),
            Frames.Reply("big"),
            Frames.Status("big", "idle"));
        await execution.GetResultAsync();

        var cell = Assert.Single(recorder.Cells);
        Assert.Equal("print_a_lot()", cell.Code);
        Assert.Equal([new StreamOutputEvent(OutputStreamName.Stdout, new string('a', 1500))], cell.Outputs);
        Assert.True(cell.OutputsTruncated);
        Assert.Equal(1, recorder.DroppedCellCount);

        using var notebook = await WriteAsync(recorder);
        var outputs = notebook.RootElement.GetProperty("cells")[1].GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal("stderr", outputs[^1].GetProperty("name").GetString());
        Assert.Contains("MaxRecordedBytes", outputs[^1].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_limits_are_refused_with_a_fix()
    {
        Assert.Contains("MaxCells", Assert.Throws<ArgumentException>(() => new NotebookRecorder(new NotebookRecordingOptions { MaxCells = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("MaxRecordedBytes", Assert.Throws<ArgumentException>(() => new IpyBoxOptions { Notebooks = new() { MaxRecordedBytes = 10 } }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("AllowNotebookExportTool", Assert.Throws<ArgumentException>(() => new IpyBoxOptions { Notebooks = null, AllowNotebookExportTool = true }.Validate()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recording_sandbox_records_what_is_submitted_through_it_and_passes_everything_else_on()
    {
        await using var inner = new FakeSandbox("inner")
        {
            OnSubmit = (submission, _) => Task.FromResult(Execution.FromResult(new ExecutionResult($"ran {submission.Code}", stdout: $"ran {submission.Code}"))),
        };

        var sandbox = inner.WithNotebookRecording();
        await sandbox.ExecuteAsync("a = 1");

        var recorder = sandbox.GetService<NotebookRecorder>();
        Assert.NotNull(recorder);
        Assert.Same(sandbox, sandbox.WithNotebookRecording());
        Assert.Same(inner, sandbox.GetService<FakeSandbox>());
        Assert.Same(inner.Files, sandbox.Files);
        Assert.Equal("inner", sandbox.Id);
        Assert.True(recorder.Cells.Single().IsComplete);
        Assert.Equal([new StreamOutputEvent(OutputStreamName.Stdout, "ran a = 1")], Assert.Single(recorder.Cells).Outputs);

        using var stream = new MemoryStream();
        await sandbox.ExportNotebookAsync(stream);
        Assert.Contains("a = 1", JsonNode.Parse(stream.ToArray())!["cells"]![0]!["source"]!.GetValue<string>(), StringComparison.Ordinal);

        await sandbox.DisposeAsync();
        Assert.True(inner.IsDisposed);
    }

    [Fact]
    public async Task Exporting_a_sandbox_that_does_not_record_says_how_to_record()
    {
        await using var sandbox = new FakeSandbox();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => sandbox.ExportNotebookAsync(new MemoryStream()));

        Assert.Contains("WithNotebookRecording", error.Message, StringComparison.Ordinal);
    }

    private static Execution NewExecution(string id) => new(id, Timeout.InfiniteTimeSpan, TimeSpan.Zero, _ => Task.CompletedTask, TimeProvider.System);

    private static void Feed(Execution execution, params string[] frames)
    {
        foreach (var frame in frames)
        {
            execution.Accept(Frames.Parse(frame));
        }
    }

    private static async Task<JsonDocument> WriteAsync(NotebookRecorder recorder)
    {
        using var stream = new MemoryStream();
        await recorder.WriteNotebookAsync(stream);
        return JsonDocument.Parse(stream.ToArray());
    }
}
