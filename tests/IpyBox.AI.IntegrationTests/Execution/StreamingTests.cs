namespace IpyBox.AI.IntegrationTests;

[Collection(SandboxCollection.Name)]
public sealed class StreamingTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task Output_is_streamed_while_the_code_runs()
    {
        await using var client = await sandbox.ConnectAsync();
        var execution = await client.SubmitAsync(
            "import time\nfor i in range(4):\n    print(f'step {i}', flush=True)\n    time.sleep(0.5)");

        var chunks = new List<(string Text, bool Done)>();
        await foreach (var chunk in execution.StreamAsync())
        {
            chunks.Add((chunk, execution.IsCompleted));
        }

        Assert.True(chunks.Count >= 2, $"expected several chunks, got {chunks.Count}");
        Assert.False(chunks[0].Done, "the first chunk must arrive before the execution ends");
        Assert.Equal("step 0\nstep 1\nstep 2\nstep 3\n", string.Concat(chunks.Select(c => c.Text)));

        var result = await execution.GetResultAsync();
        Assert.True(execution.IsCompleted);
        Assert.Equal("step 0\nstep 1\nstep 2\nstep 3", result.Text);
    }

    [Fact]
    public async Task Stream_of_failing_code_throws_after_its_output()
    {
        await using var client = await sandbox.ConnectAsync();
        var execution = await client.SubmitAsync("print('before')\nraise ValueError('bad')");
        var chunks = new List<string>();
        var error = await Assert.ThrowsAsync<ExecutionException>(async () =>
        {
            await foreach (var chunk in execution.StreamAsync())
            {
                chunks.Add(chunk);
            }
        });
        Assert.Equal("before\n", string.Concat(chunks));
        Assert.Equal("ValueError: bad", error.Message);
        Assert.Equal("before", error.Result?.Text);
    }
}
