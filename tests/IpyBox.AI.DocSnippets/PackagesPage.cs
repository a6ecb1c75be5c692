namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/packages.md.</summary>
internal static class PackagesPage
{
    public static async Task RunAsync()
    {
        // <install>
        await using var container = await ExecutionContainer.StartAsync();
        await using var client = container.CreateClient();
        await client.ConnectAsync();

        // Stream pip's progress while it installs.
        var install = await client.SubmitAsync("!pip install einops");
        await foreach (var chunk in install.StreamAsync())
        {
            Console.Write(chunk);
        }

        var result = await client.ExecuteAsync("import einops\nprint(einops.__version__)");
        // </install>
    }
}
