// Basic usage: start a sandbox container, create a kernel in it, run code, print the result.
// The first run builds the runtime image (a few minutes); later runs start in seconds.
using IpyBox.AI;

var progress = new ConsoleProgress();
await using var container = new ExecutionContainer(new ExecutionContainerOptions { Progress = progress });
await container.RunAsync();

await using var client = container.CreateClient();
await client.ConnectAsync();

var result = await client.ExecuteAsync("print('Hello, world!')");
Console.WriteLine($"Output: {result.Text}");

/// <summary>Prints image build progress as it happens.</summary>
internal sealed class ConsoleProgress : IProgress<ImageProgress>
{
    public void Report(ImageProgress value) => Console.Error.WriteLine($"[{value.Image}] {value.Message}");
}
