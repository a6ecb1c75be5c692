// Bind mounts: a host directory appears under /app in the container; files written there by Python appear on the host.
using IpyBox.AI;

// A missing host directory is created so that the kernel user in the container can write to it.
var hostDirectory = Path.Combine(Path.GetTempPath(), $"ipybox-bind-{Guid.NewGuid():N}");
try
{
    var options = new ExecutionContainerOptions();
    options.Binds[hostDirectory] = "shared"; // host path -> /app/shared
    await using var container = await ExecutionContainer.StartAsync(options);
    await File.WriteAllTextAsync(Path.Combine(hostDirectory, "input.csv"), "city,temperature\nOslo,4\nRome,18\nCairo,29\n");
    await using var client = container.CreateClient();
    await client.ConnectAsync();

    var result = await client.ExecuteAsync("""
        import pandas as pd
        df = pd.read_csv('shared/input.csv')
        warmest = df.sort_values('temperature').iloc[-1]
        with open('shared/result.txt', 'w') as f:
            f.write(f"{warmest.city} {warmest.temperature}")
        print(f"read {len(df)} rows from the host")
        """);
    Console.WriteLine($"Container: {result.Text}");

    var written = await File.ReadAllTextAsync(Path.Combine(hostDirectory, "result.txt"));
    Console.WriteLine($"Host sees the file the container wrote: {written}");
    if (written != "Cairo 29")
    {
        throw new InvalidOperationException("unexpected result");
    }
}
finally
{
    Directory.Delete(hostDirectory, recursive: true);
}
