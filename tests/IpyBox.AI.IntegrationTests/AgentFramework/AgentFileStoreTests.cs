using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using static IpyBox.AI.IntegrationTests.ScriptedChatClient;

#pragma warning disable MAAI001 // The Agent Framework's file stores and providers are experimental.

namespace IpyBox.AI.IntegrationTests.AgentFramework;

/// <summary>
/// Agent Framework's real <see cref="FileAccessProvider"/> and <see cref="FileMemoryProvider"/> over an
/// <see cref="IpyBoxAgentFileStore"/>: what they write a cell reads, what a cell writes they read and search, escapes are refused.
/// </summary>
public sealed class AgentFileStoreTests
{
    [Fact]
    public async Task FileAccessProvider_and_the_sandboxs_code_share_the_files_of_app()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var store = new IpyBoxAgentFileStore(scope.Manager, "files-access");
        var tools = await ToolsOfAsync(new FileAccessProvider(store));
        var session = await scope.SessionAsync("files-access");

        await Invoke(tools, "file_access_write", new() { ["fileName"] = "notes/plan.md", ["content"] = "step 1: load\nstep 2: plot\n" });
        var read = await session.ExecuteAsync("print(open('/app/notes/plan.md').read().splitlines()[1])");
        Assert.Equal("step 2: plot", read.Text!.Trim());

        await session.ExecuteAsync("open('/app/notes/result.txt', 'w').write('mean = 4.5\\nThe Answer is 42\\n')");
        Assert.Contains("The Answer is 42", await Invoke(tools, "file_access_read", new() { ["fileName"] = "notes/result.txt" }), StringComparison.Ordinal);
        Assert.Contains("result.txt", await Invoke(tools, "file_access_ls", new() { ["directory"] = "notes" }), StringComparison.Ordinal);

        var found = Assert.Single(await store.SearchAsync("notes", "answer IS", null, false));
        Assert.Equal("result.txt", found.FileName);
        Assert.Equal(2, Assert.Single(found.MatchingLines).LineNumber);
        Assert.Contains("result.txt", await Invoke(tools, "file_access_grep", new() { ["regexPattern"] = "answer", ["directory"] = "notes" }), StringComparison.Ordinal);

        Assert.True(await store.FileExistsAsync("notes/result.txt"));
        Assert.False(await store.FileExistsAsync("notes"));
        Assert.Contains(await store.ListChildrenAsync(""), e => e is { Name: "notes", Type: FileStoreEntry.Directory });
        Assert.Contains(await store.ListChildrenAsync("notes"), e => e is { Name: "result.txt", Type: FileStoreEntry.File });
        await store.CreateDirectoryAsync("empty/inner");
        Assert.Contains("inner", (await session.ExecuteAsync("import os; print(os.listdir('/app/empty'))")).Text, StringComparison.Ordinal);
        Assert.True(await store.DeleteAsync("notes/plan.md"));
        Assert.False(await store.DeleteAsync("notes/plan.md"));
        Assert.Null(await store.ReadAsync("notes/plan.md"));
        Assert.Equal("False", (await session.ExecuteAsync("import os; print(os.path.exists('/app/notes/plan.md'))")).Text!.Trim());
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("notes/../../etc/passwd")]
    [InlineData("..\\secret")]
    [InlineData("a\0b")]
    public async Task A_path_that_leaves_app_is_refused_before_any_sandbox_starts(string path)
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var store = new IpyBoxAgentFileStore(scope.Manager, "files-escape");

        await Assert.ThrowsAsync<ArgumentException>(() => store.ReadAsync(path));
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync(path, "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DeleteAsync(path));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ListChildrenAsync(path));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SearchAsync(path, "x"));
        Assert.Empty(scope.Manager.Sessions);
        Assert.Throws<ArgumentException>(() => new IpyBoxAgentFileStore(scope.Manager, rootFolder: path));
    }

    [Fact]
    public async Task FileMemoryProvider_in_an_agent_run_writes_into_the_sessions_sandbox()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var store = new IpyBoxAgentFileStore(scope.Manager); // bound per run to the agent session's sandbox
        var model = new ScriptedChatClient(
            _ => Call("m1", "file_memory_write", new() { ["fileName"] = "preferences.md", ["content"] = "The user prefers bar charts." }),
            _ => Say("Noted."));
        var agent = new ChatClientAgent(model, new ChatClientAgentOptions { Name = "memo", AIContextProviders = [new FileMemoryProvider(store)] });
        var session = await agent.CreateSessionAsync();

        await agent.RunAsync("Remember that I prefer bar charts.", session);

        var key = IpyBoxContextProvider.GetConversationKey(session);
        var sandbox = await scope.SessionAsync(key);
        var found = await sandbox.ExecuteAsync(
            "import glob\nfor p in glob.glob('/app/**/preferences.md', recursive=True):\n    print(open(p).read())");
        Assert.Contains("The user prefers bar charts.", found.Text, StringComparison.Ordinal);
        Assert.Equal(key, Assert.Single(scope.Manager.Sessions).ConversationKey);
    }

    private static async Task<IList<AIFunction>> ToolsOfAsync(AIContextProvider provider)
    {
        var model = new ScriptedChatClient(_ => Say("ok"));
        var agent = new ChatClientAgent(model, new ChatClientAgentOptions { AIContextProviders = [provider] });
        await agent.RunAsync("list your tools");
        return [.. model.Options[0]!.Tools!.OfType<AIFunction>()];
    }

    private static async Task<string> Invoke(IList<AIFunction> tools, string name, Dictionary<string, object?> arguments)
    {
        var result = await tools.Single(t => t.Name == name).InvokeAsync(new AIFunctionArguments(arguments));
        return result?.ToString() ?? string.Empty;
    }
}
