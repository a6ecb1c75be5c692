namespace IpyBox.AI.SoakBench;

/// <summary>
/// One kind of work a worker picks at random: its weight in the mix, the exception types the library documents for it
/// (anything else is a finding), and the work itself, which throws <see cref="SoakCheckException"/> on a wrong result.
/// </summary>
internal sealed record SoakOperation(string Name, int Weight, IReadOnlyList<string> Expected, Func<SoakStep, Task> RunAsync);
