// Jupyter server: run sandboxes as kernels on an existing Jupyter Server (or a JupyterHub user server, or
// Enterprise Gateway for execution) instead of Docker containers. Set IPYBOX_JUPYTER_URL and IPYBOX_JUPYTER_TOKEN to
// use your own server; without them this sample starts a container of the runtime image to stand in for one, and
// from then on uses only its address and token, as it would for any server.
using IpyBox.AI;

ExecutionContainer? standIn = null;
var url = Environment.GetEnvironmentVariable("IPYBOX_JUPYTER_URL");
var token = Environment.GetEnvironmentVariable("IPYBOX_JUPYTER_TOKEN");
if (string.IsNullOrEmpty(url) || string.IsNullOrEmpty(token))
{
    standIn = await ExecutionContainer.StartAsync();
    url = standIn.ServerUri.AbsoluteUri;
    token = standIn.Token;
}

try
{
    var provider = new JupyterServerSandboxProvider(new JupyterServerOptions
    {
        ServerUri = new Uri(url),              // http or https, with the server's path prefix (base_url) if it has one
        Token = token,
        MaxFileBytes = 16L << 20,              // the Contents API moves each file base64-encoded in one JSON body
    });

    await using var sandbox = await provider.CreateAsync();
    Console.WriteLine($"kernel {sandbox.Id} on {provider.Options.ServerUri}");

    // Execution works as with containers: state, streaming, images, errors, timeouts.
    await sandbox.ExecuteAsync("import platform\ngreeting = 'Hello from ' + platform.python_version()");
    var result = await sandbox.ExecuteAsync("print(greeting)");
    Console.WriteLine($"Output: {result.Text}");

    // Files go through the Contents API, relative to the server's root (/app in the runtime image).
    var local = Path.Combine(Path.GetTempPath(), $"ipybox-sample-{Guid.NewGuid():N}.csv");
    await File.WriteAllTextAsync(local, "x,y\n1,2\n3,4\n");
    await sandbox.Files.UploadFileAsync(local, "samples/data.csv");
    var sum = await sandbox.ExecuteAsync("import csv\nrows = list(csv.DictReader(open('samples/data.csv')))\nprint(sum(int(r['y']) for r in rows))");
    Console.WriteLine($"Sum of y: {sum.Text}");
    foreach (var entry in await sandbox.Files.ListAsync("samples"))
    {
        Console.WriteLine($"  {entry.Name} ({entry.Size} bytes)");
    }

    await sandbox.Files.DeleteFileAsync("samples/data.csv");
    File.Delete(local);

    if (result.Text?.StartsWith("Hello from", StringComparison.Ordinal) != true || sum.Text != "6")
    {
        throw new InvalidOperationException("unexpected output");
    }
}
finally
{
    if (standIn is not null)
    {
        await standIn.DisposeAsync();
    }
}
