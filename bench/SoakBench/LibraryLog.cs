using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI.SoakBench;

/// <summary>The library's logging during the run: warnings and errors counted by event, with the first message of each; the rest is dropped.</summary>
internal sealed class LibraryLog : ILoggerFactory, ILogger
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _first = new(StringComparer.Ordinal);

    /// <summary>Gets the warnings and errors by event name (level and name), most frequent first, with the first message of each.</summary>
    public IReadOnlyList<(string Event, int Count, string First)> Events =>
        [.. _counts.OrderByDescending(c => c.Value).Select(c => (c.Key, c.Value, _first[c.Key]))];

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var name = $"{logLevel} {eventId.Name ?? eventId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        _first.TryAdd(name, exception is null ? formatter(state, exception) : $"{formatter(state, exception)} ({exception.GetType().Name}: {exception.Message})");
        _counts.AddOrUpdate(name, 1, static (_, n) => n + 1);
    }
}
