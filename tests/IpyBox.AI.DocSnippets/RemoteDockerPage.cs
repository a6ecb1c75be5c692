namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/remote-docker.md.</summary>
internal static class RemoteDockerPage
{
    public static async Task RunAsync()
    {
        // <remote>
        await using var container = new ExecutionContainer(new ExecutionContainerOptions
        {
            DockerEndpoint = new Uri("tcp://192.168.1.50:2375"),
        });
        await container.RunAsync();                          // created on 192.168.1.50

        await using var client = container.CreateClient();
        await client.ConnectAsync();                         // kernel server at 192.168.1.50:<port>
        // </remote>
    }
}
