// State: variables, imports and definitions persist between executions of one kernel;
// a second client on the same container has its own kernel and its own state.
using IpyBox.AI;

await using var container = await ExecutionContainer.StartAsync();

await using var first = container.CreateClient();
await first.ConnectAsync();
await first.ExecuteAsync("import math\nradius = 3\ndef area(r):\n    return math.pi * r ** 2");
var result = await first.ExecuteAsync("print(f'{area(radius):.2f}')");
Console.WriteLine($"Kernel 1 remembers radius and area(): {result.Text}");
Check(result.Text == "28.27", "the first kernel lost its state");

await using var second = container.CreateClient();
await second.ConnectAsync();
try
{
    await second.ExecuteAsync("print(radius)");
    Check(false, "the second kernel saw the first kernel's variable");
}
catch (ExecutionException ex)
{
    Console.WriteLine($"Kernel 2 has its own state: {ex.Message}");
    Check(ex.ErrorName == "NameError", "expected a NameError");
}

static void Check(bool condition, string failure)
{
    if (!condition)
    {
        throw new InvalidOperationException(failure);
    }
}
