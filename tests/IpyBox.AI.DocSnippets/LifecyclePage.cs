namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/lifecycle.md.</summary>
internal static class LifecyclePage
{
    public static async Task RunAsync()
    {
        // <manual>
        var container = new ExecutionContainer();   // nothing starts yet
        await container.RunAsync();                 // create and start the container

        // do some work ...

        await container.KillAsync();                // stop and remove the container
        // </manual>
    }
}
