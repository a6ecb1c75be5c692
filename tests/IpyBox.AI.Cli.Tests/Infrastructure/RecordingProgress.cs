using ModelContextProtocol;

namespace IpyBox.AI.Cli.Tests;

/// <summary>Records the progress notifications of one call in the order they arrive, and lets a test wait for a text in them.</summary>
public sealed class RecordingProgress : IProgress<ProgressNotificationValue>
{
    private readonly Lock _lock = new();
    private readonly List<ProgressNotificationValue> _values = [];
    private readonly List<(string Text, TaskCompletionSource Seen)> _waits = [];

    /// <summary>Gets the notifications so far.</summary>
    public IReadOnlyList<ProgressNotificationValue> Values
    {
        get
        {
            lock (_lock)
            {
                return [.. _values];
            }
        }
    }

    /// <summary>Gets how many notifications arrived.</summary>
    public int Count => Values.Count;

    /// <summary>Gets the messages joined in the order of their <c>progress</c> values (the client may hand notifications over out of order).</summary>
    public string Text => string.Concat(Values.OrderBy(v => v.Progress).Select(v => v.Message));

    /// <summary>Completes once the messages so far contain <paramref name="text"/>; fails after two minutes.</summary>
    public Task WaitForAsync(string text)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waits.Add((text, seen));
        }

        Check();
        return seen.Task.WaitAsync(TimeSpan.FromMinutes(2));
    }

    /// <inheritdoc />
    public void Report(ProgressNotificationValue value)
    {
        lock (_lock)
        {
            _values.Add(value);
        }

        Check();
    }

    private void Check()
    {
        var text = Text;
        lock (_lock)
        {
            foreach (var wait in _waits.Where(w => text.Contains(w.Text, StringComparison.Ordinal)))
            {
                wait.Seen.TrySetResult();
            }
        }
    }
}
