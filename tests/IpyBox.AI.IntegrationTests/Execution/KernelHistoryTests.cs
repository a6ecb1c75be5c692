namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// The image keeps IPython's history in memory and the client stores every cell in it: what users rely on from
/// IPython's history must keep working within a kernel's session.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class KernelHistoryTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task In_holds_the_cells_already_run()
    {
        await using var client = await sandbox.ConnectAsync();
        await client.ExecuteAsync("first_cell = 1");
        await client.ExecuteAsync("second_cell = 2");

        var result = await client.ExecuteAsync("print(len(In), repr(In[1]), repr(In[2]))");

        Assert.Equal("4 'first_cell = 1' 'second_cell = 2'", result.Text);
    }

    [Fact]
    public async Task Out_holds_the_results_by_execution_count()
    {
        await using var client = await sandbox.ConnectAsync();
        await client.ExecuteAsync("6 * 7");
        await client.ExecuteAsync("'no result';");

        var result = await client.ExecuteAsync("print(sorted(Out.items()))");

        Assert.Equal("[(1, 42)]", result.Text);
    }

    [Fact]
    public async Task Underscores_hold_the_last_results()
    {
        await using var client = await sandbox.ConnectAsync();
        await client.ExecuteAsync("6 * 7");
        await client.ExecuteAsync("'answer'");

        var result = await client.ExecuteAsync("print(_, __, _1)");

        Assert.Equal("answer 42 42", result.Text);
    }

    [Fact]
    public async Task History_magic_lists_the_cells_of_the_session()
    {
        await using var client = await sandbox.ConnectAsync();
        await client.ExecuteAsync("history_probe = 1");
        await client.ExecuteAsync("history_probe += 1");

        var result = await client.ExecuteAsync("%history -n");

        Assert.Equal("1: history_probe = 1\n   2: history_probe += 1\n   3: %history -n", result.Text);
    }
}
