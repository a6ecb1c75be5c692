namespace IpyBox.AI.Tests;

/// <summary>Executions made by custom sandboxes and test doubles, without a kernel connection.</summary>
public sealed class CompletedExecutionTests
{
    [Fact]
    public async Task FromResult_returns_the_result_and_streams_its_text()
    {
        var result = new ExecutionResult("42", stdout: "42\n", executionCount: 3);

        var execution = Execution.FromResult(result, "request-1");

        Assert.True(execution.IsCompleted);
        Assert.Equal("request-1", execution.Id);
        Assert.Same(result, await execution.GetResultAsync());
        Assert.Equal(["42"], await execution.StreamAsync().ToListAsync());
    }

    [Fact]
    public async Task FromResult_without_text_streams_nothing_and_gets_a_unique_id()
    {
        var first = Execution.FromResult(new ExecutionResult(null));
        var second = Execution.FromResult(new ExecutionResult(null));

        Assert.Empty(await first.StreamAsync().ToListAsync());
        Assert.False(string.IsNullOrEmpty(first.Id));
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task FromException_throws_the_error_from_the_result_and_the_stream()
    {
        var error = new TimeoutException("The execution did not finish.");

        var execution = Execution.FromException(error);

        Assert.True(execution.IsCompleted);
        Assert.Same(error, await Assert.ThrowsAsync<TimeoutException>(() => execution.GetResultAsync()));
        Assert.Same(error, await Assert.ThrowsAsync<TimeoutException>(async () => await execution.StreamAsync().ToListAsync()));
    }

    [Fact]
    public void A_result_made_by_hand_has_empty_outputs_where_none_are_given()
    {
        var result = new ExecutionResult("text");

        Assert.Equal("text", result.Text);
        Assert.Equal("", result.Stdout);
        Assert.Equal("", result.Stderr);
        Assert.Empty(result.Images);
        Assert.Empty(result.RichOutputs);
        Assert.Null(result.ExecutionCount);
        Assert.Throws<ArgumentNullException>(() => new ExecutionResult("text", stdout: null!));
        Assert.Throws<ArgumentNullException>(() => Execution.FromResult(null!));
        Assert.Throws<ArgumentNullException>(() => Execution.FromException(null!));
    }

    [Fact]
    public async Task A_sandbox_can_hand_out_completed_executions_through_the_seam()
    {
        await using ISandbox sandbox = new FakeSandbox
        {
            OnSubmit = (submission, _) => Task.FromResult(Execution.FromResult(new ExecutionResult($"ran {submission.Code}"))),
        };

        var result = await sandbox.ExecuteAsync("x = 1", TimeSpan.FromSeconds(5));

        Assert.Equal("ran x = 1", result.Text);
        Assert.Equal([new FakeSubmission("x = 1", TimeSpan.FromSeconds(5))], ((FakeSandbox)sandbox).Submissions);
    }
}
