using System.Net.ServerSentEvents;
using System.Text.Json;
using IpyBox.AI;

namespace IpyBox.AI.WebChat.Tests;

/// <summary>The page's events without a browser: what a hostile cell's output becomes, and the replay a reconnecting page gets.</summary>
public sealed class PageEventTests
{
    private static readonly byte[] s_png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    [Fact]
    public async Task A_flood_of_text_and_images_is_cut_with_one_notice_each()
    {
        var log = new EventLog();
        var output = new CellOutputEvents(log);
        for (var i = 0; i < 100; i++)
        {
            output.Report(new StreamOutputEvent(OutputStreamName.Stdout, new string('x', 10_000)));
        }

        for (var i = 0; i < 30; i++)
        {
            output.Report(new DisplayDataEvent(new ExecutionImage(s_png, "image/png", 1, 1), [], null));
        }

        var events = await ReadAllAsync(log, lastEventId: null);
        var shown = events.Where(e => e.EventType == "output" && Data(e).GetProperty("stream").GetString() == "stdout").Sum(e => Data(e).GetProperty("text").GetString()!.Length);
        Assert.Equal(CellOutputEvents.MaxTextCharacters, shown);
        Assert.Equal(CellOutputEvents.MaxImages, events.Count(e => e.EventType == "image"));
        Assert.Equal(2, events.Count(e => e.EventType == "output" && Data(e).GetProperty("stream").GetString() == "notice"));
    }

    [Fact]
    public async Task An_svg_or_unknown_image_type_is_never_shown_as_an_image()
    {
        var log = new EventLog();
        var output = new CellOutputEvents(log);
        var svg = "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"u8.ToArray();

        output.Report(new DisplayDataEvent(new ExecutionImage(svg, "image/svg+xml", 1, 1), [], "<Figure>"));
        output.Report(new DisplayDataEvent(new ExecutionImage(s_png, "text/html", 1, 1), [], null));

        var events = await ReadAllAsync(log, lastEventId: null);
        Assert.DoesNotContain(events, e => e.EventType == "image");
        Assert.Equal("<Figure>", Data(Assert.Single(events)).GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_reconnecting_page_gets_the_events_after_its_last_one_and_a_new_page_all_of_them()
    {
        var log = new EventLog();
        log.Append("user", new { text = "one" });
        log.Append("text", new { text = "two" });
        log.Append("text", new { text = "three" });

        var all = await ReadAllAsync(log, lastEventId: null);
        var after = await ReadAllAsync(log, lastEventId: all[0].EventId);

        Assert.Equal(["0", "1", "2"], all.Select(e => e.EventId));
        Assert.Equal(["two", "three"], after.Select(e => Data(e).GetProperty("text").GetString()));
        Assert.Equal(3, (await ReadAllAsync(log, lastEventId: "not a number")).Count);
    }

    [Fact]
    public async Task A_reader_waits_for_new_events_until_it_is_cancelled()
    {
        var log = new EventLog();
        using var cancellation = new CancellationTokenSource();
        var reader = log.ReadAsync(null, cancellation.Token).GetAsyncEnumerator(cancellation.Token);
        var next = reader.MoveNextAsync().AsTask();
        Assert.False(next.IsCompleted);

        log.Append("notice", new { text = "later" });
        Assert.True(await next);
        Assert.Equal("notice", reader.Current.EventType);

        var last = reader.MoveNextAsync().AsTask();
        await cancellation.CancelAsync();
        Assert.False(await last);
        await reader.DisposeAsync();
    }

    private static JsonElement Data(SseItem<string> item) => JsonDocument.Parse(item.Data).RootElement;

    /// <summary>The events the log holds now, read as a page reads them.</summary>
    private static async Task<List<SseItem<string>>> ReadAllAsync(EventLog log, string? lastEventId)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        List<SseItem<string>> items = [];
        await foreach (var item in log.ReadAsync(lastEventId, cancellation.Token))
        {
            items.Add(item);
        }

        return items;
    }
}
