using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

/// <summary>
/// What the page shows of one conversation, as server-sent events in order. Every event is kept, so a page that loads or
/// reconnects (sending <c>Last-Event-ID</c>) replays the conversation from where it stood.
/// </summary>
internal sealed class EventLog
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly List<SseItem<string>> _events = [];
    private TaskCompletionSource _appended = NewSignal();

    /// <summary>Appends an event of <paramref name="type"/> whose data is <paramref name="data"/> as JSON, and wakes the readers.</summary>
    public void Append(string type, object data)
    {
        TaskCompletionSource appended;
        lock (_events)
        {
            _events.Add(new SseItem<string>(JsonSerializer.Serialize(data, s_json), type)
            {
                EventId = _events.Count.ToString(CultureInfo.InvariantCulture),
            });
            appended = _appended;
            _appended = NewSignal();
        }

        appended.SetResult();
    }

    /// <summary>The events after the one with id <paramref name="lastEventId"/> (all of them for <see langword="null"/>), then each new one, until cancelled.</summary>
    public async IAsyncEnumerable<SseItem<string>> ReadAsync(string? lastEventId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = int.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var last) ? last + 1 : 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            SseItem<string>[] batch;
            Task appended;
            lock (_events)
            {
                batch = next < _events.Count ? [.. _events.Skip(next)] : [];
                appended = _appended.Task;
            }

            foreach (var item in batch)
            {
                yield return item;
            }

            next += batch.Length;
            if (batch.Length == 0)
            {
                try
                {
                    await appended.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
