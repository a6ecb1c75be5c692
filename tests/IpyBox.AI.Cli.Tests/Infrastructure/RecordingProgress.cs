using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace IpyBox.AI.Cli.Tests;

/// <summary>Records the progress notifications of one call in the order they arrive, and lets a test wait for a text in them.</summary>
public sealed class RecordingProgress : IProgress<ProgressNotificationValue>
{
    private readonly Lock _lock = new();
    private readonly List<ProgressNotificationValue> _values = [];
    private readonly List<(string Text, TaskCompletionSource Seen)> _waits = [];

    /// <summary>
    /// Calls a tool with a progress token of its own and records the notifications through a handler that stays registered
    /// after the call (the SDK's <c>IProgress</c> overload unregisters its handler when the call returns, and drops notifications
    /// its own tasks hand over later).
    /// </summary>
    public async Task<(CallToolResult Result, IAsyncDisposable Listening)> CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        var token = new ProgressToken(Guid.NewGuid().ToString("N"));
        var listening = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (notification, _) =>
        {
            if (JsonSerializer.Deserialize<ProgressNotificationParams>(notification.Params) is { } received && received.ProgressToken == token)
            {
                Report(received.Progress);
            }

            return default;
        });
        var result = await client.CallToolAsync(new CallToolRequestParams
        {
            Name = tool,
            Arguments = arguments.ToDictionary(a => a.Key, a => JsonSerializer.SerializeToElement(a.Value)),
            Meta = new JsonObject { ["progressToken"] = token.ToString() },
        });
        return (result, listening);
    }

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
        return WaitAsync(seen.Task, text);
    }

    private async Task WaitAsync(Task seen, string text)
    {
        try
        {
            await seen.WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"No progress notification carried '{text}' within two minutes; {Count} arrived, with:\n{Text}");
        }
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
