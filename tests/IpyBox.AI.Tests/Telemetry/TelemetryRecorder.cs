using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace IpyBox.AI.Tests;

/// <summary>A real <see cref="ActivityListener"/> and <see cref="MeterListener"/> on the library's source and meter, recording what they see.</summary>
internal sealed class TelemetryRecorder : IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public TelemetryRecorder()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == IpyBoxTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == IpyBoxTelemetry.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
    }

    /// <summary>Gets the spans that ended, in order.</summary>
    public IReadOnlyList<Activity> Spans => [.. _stopped];

    /// <summary>Gets the measurements of one instrument, in order.</summary>
    public IReadOnlyList<(double Value, Dictionary<string, object?> Tags)> Measurements(string instrument) =>
        [.. _measurements.Where(m => m.Name == instrument).Select(m => (m.Value, m.Tags))];

    /// <summary>Waits until a span with <paramref name="name"/> and the tag <paramref name="tag"/> = <paramref name="value"/> ended.</summary>
    public async Task<Activity> WaitForSpanAsync(string name, string tag, string value)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (_stopped.FirstOrDefault(a => a.OperationName == name && (a.GetTagItem(tag) as string) == value) is { } span)
            {
                return span;
            }

            await Task.Delay(10, timeout.Token);
        }
    }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }
}
