// Manual lifecycle: run and kill a container explicitly instead of scoping it with `await using`.
using IpyBox.AI;

var container = new ExecutionContainer();   // nothing starts yet
try
{
    await container.RunAsync();              // create and start the container
    Console.WriteLine($"running: {container.ContainerId![..12]} on {container.Host}:{container.ExecutorPort}");

    // do some work ...
    await using (var client = container.CreateClient())
    {
        await client.ConnectAsync();
        var result = await client.ExecuteAsync("print(sum(range(10)))");
        Console.WriteLine($"Output: {result.Text}");
        if (result.Text != "45")
        {
            throw new InvalidOperationException("unexpected output");
        }
    }

    await container.KillAsync();             // stop and remove the container
    Console.WriteLine($"killed; container id now {container.ContainerId ?? "(none)"}");
    await container.KillAsync();             // harmless when it is already gone
}
finally
{
    await container.DisposeAsync();          // harmless after KillAsync; removes it if something failed above
}
