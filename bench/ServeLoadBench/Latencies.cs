using System.Collections.Concurrent;
using System.Globalization;

/// <summary>The latencies of one kind of operation in one run, and the operations that failed.</summary>
internal sealed class Latencies
{
    private readonly ConcurrentBag<double> _milliseconds = [];
    private int _errors;

    public int Count => _milliseconds.Count;

    public int Errors => _errors;

    public void Add(TimeSpan elapsed) => _milliseconds.Add(elapsed.TotalMilliseconds);

    public void Fail() => Interlocked.Increment(ref _errors);

    /// <summary>The nearest-rank percentile, in milliseconds; NaN when nothing succeeded.</summary>
    public double Percentile(double p)
    {
        var sorted = _milliseconds.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public string Row(string path, int clients, string operation) => string.Create(
        CultureInfo.InvariantCulture,
        $"| {path} | {clients} | {operation} | {Count} | {Percentile(50):0} | {Percentile(95):0} | {Percentile(99):0} | {Errors} |");
}
