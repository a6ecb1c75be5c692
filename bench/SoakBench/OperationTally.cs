using System.Collections.Concurrent;

namespace IpyBox.AI.SoakBench;

/// <summary>How each operation ended, counted by operation and outcome (ok, or the exception's type), with one message per unexpected type.</summary>
internal sealed class OperationTally
{
    private readonly ConcurrentDictionary<(string Operation, string Outcome), int> _counts = new();
    private readonly ConcurrentDictionary<(string Operation, string Outcome), string> _firstMessages = new();
    private int _unexpected;

    public const string Ok = "ok";

    /// <summary>Gets how many operations ended in an exception their operation does not expect.</summary>
    public int Unexpected => Volatile.Read(ref _unexpected);

    public void Record(SoakOperation operation, Exception? error)
    {
        var outcome = error is null ? Ok : error.GetType().Name;
        _counts.AddOrUpdate((operation.Name, outcome), 1, static (_, n) => n + 1);
        if (error is not null)
        {
            _firstMessages.TryAdd((operation.Name, outcome), error.ToString());
            if (!operation.Expected.Contains(outcome))
            {
                Interlocked.Increment(ref _unexpected);
            }
        }
    }

    /// <summary>The counts of one operation: ok first, then its expected outcomes, then the others.</summary>
    public IReadOnlyList<(string Outcome, int Count, bool Expected)> Of(SoakOperation operation) =>
        [.. _counts.Where(c => c.Key.Operation == operation.Name)
            .Select(c => (c.Key.Outcome, c.Value, c.Key.Outcome == Ok || operation.Expected.Contains(c.Key.Outcome)))
            .OrderBy(c => c.Item1 == Ok ? 0 : c.Item3 ? 1 : 2)
            .ThenBy(c => c.Item1, StringComparer.Ordinal)];

    /// <summary>The first message of every error, with whether its operation expects it.</summary>
    public IReadOnlyList<(string Operation, string Outcome, string Message, bool Expected)> FirstMessages =>
        [.. _firstMessages.Select(m => (m.Key.Operation, m.Key.Outcome, m.Value, SoakOperations.All.Prepend(SoakOperations.Start).Any(o => o.Name == m.Key.Operation && o.Expected.Contains(m.Key.Outcome))))
            .OrderBy(m => m.Operation, StringComparer.Ordinal)];
}
