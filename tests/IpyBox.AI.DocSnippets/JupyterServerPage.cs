namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/jupyter-server.md.</summary>
internal static class JupyterServerPage
{
    public static async Task RunAsync()
    {
        // <server>
        var provider = new JupyterServerSandboxProvider(new JupyterServerOptions
        {
            ServerUri = new Uri("https://hub.example.com/user/ana/"),   // with the server's path prefix (base_url)
            Token = Environment.GetEnvironmentVariable("JUPYTER_TOKEN"),
        });

        await using var sandbox = await provider.CreateAsync();          // one kernel on the server
        var result = await sandbox.ExecuteAsync("print(6 * 7)");
        await sandbox.Files.UploadFileAsync("data.csv", "data.csv");     // through the Contents API
        // </server>
    }
}
