// Streaming: submit code and print its output as the kernel produces it, then get the aggregated result.
using System.Diagnostics;
using IpyBox.AI;

await using var container = await ExecutionContainer.StartAsync();
await using var client = container.CreateClient();
await client.ConnectAsync();

var clock = Stopwatch.StartNew();
var execution = await client.SubmitAsync("import time\nfor i in range(1, 4):\n    print(f'step {i}', flush=True)\n    time.sleep(0.5)");
var chunks = 0;
await foreach (var chunk in execution.StreamAsync())
{
    chunks++;
    Console.Write($"[{clock.Elapsed.TotalSeconds:0.0} s] {chunk}");
}

var result = await execution.GetResultAsync();
Console.WriteLine($"Received {chunks} chunk(s); complete output:\n{result.Text}");
if (result.Text != "step 1\nstep 2\nstep 3" || chunks < 2)
{
    throw new InvalidOperationException("the output did not arrive as a stream");
}
