// Remote Docker host: manage a sandbox on another machine's Docker engine. The endpoint comes from DOCKER_HOST
// when it is set (e.g. tcp://10.0.0.5:2375), else this sample uses tcp://127.0.0.1:2375 (the local engine with a
// TCP listener, as set up by eng/prepare-docker.sh --tcp). For a tcp:// endpoint on another host the kernel port
// is published on that host and clients connect there; the per-container token protects it.
using IpyBox.AI;

var endpoint = new Uri(Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } fromEnvironment
    ? fromEnvironment
    : "tcp://127.0.0.1:2375");

await using var container = new ExecutionContainer(new ExecutionContainerOptions { DockerEndpoint = endpoint });
await container.RunAsync();
Console.WriteLine($"container {container.ContainerId![..12]} via {container.DockerEndpoint}; kernel server at {container.Host}:{container.ExecutorPort}");

await using var client = container.CreateClient();
await client.ConnectAsync();
var result = await client.ExecuteAsync("import platform\nprint('Hello from', platform.node())");
Console.WriteLine($"Output: {result.Text}");
if (result.Text?.StartsWith("Hello from", StringComparison.Ordinal) != true)
{
    throw new InvalidOperationException("unexpected output");
}
