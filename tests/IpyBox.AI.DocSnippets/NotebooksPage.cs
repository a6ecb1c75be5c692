namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/notebooks.md.</summary>
internal static class NotebooksPage
{
    public static async Task FromTheLibraryAsync()
    {
        // <library>
        await using var sandbox = (await new DockerSandboxProvider().CreateAsync()).WithNotebookRecording();
        await sandbox.ExecuteAsync("import pandas as pd\ndf = pd.DataFrame({'x': [1, 2, 3]})");
        await sandbox.ExecuteAsync("df.plot(); df.describe()");

        await using var file = File.Create("session.ipynb");
        await sandbox.ExportNotebookAsync(file);
        // </library>
    }

    public static async Task ConversationAsync()
    {
        // <conversation>
        await using var manager = new SandboxSessionManager();   // or the one AddIpyBox registered
        var threadId = "thread-42";
        await (await manager.GetOrCreateAsync(threadId)).ExecuteAsync("x = 6 * 7");

        await using var file = File.Create($"{threadId}.ipynb");
        bool exported = await manager.ExportNotebookAsync(threadId, file);   // false: no live sandbox for that key
        // </conversation>
    }
}
