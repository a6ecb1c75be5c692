// Environment variables: values given in the options are visible to the code in the container.
using IpyBox.AI;

var options = new ExecutionContainerOptions();
options.Environment["GREETING"] = "Hello from the host";
options.Environment["MAX_ROWS"] = "25";

await using var container = await ExecutionContainer.StartAsync(options);
await using var client = container.CreateClient();
await client.ConnectAsync();

var result = await client.ExecuteAsync("""
    import os
    print(os.environ['GREETING'])
    print(int(os.environ['MAX_ROWS']) * 2)
    """);
Console.WriteLine(result.Text);
if (result.Text != "Hello from the host\n50")
{
    throw new InvalidOperationException("the environment variables did not arrive");
}
