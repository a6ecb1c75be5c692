using System.Text;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace IpyBox.AI.Cli.Serve;

/// <summary>
/// Sends the output of a running cell to the client as <c>notifications/progress</c> on the call's progress token: text is
/// gathered and sent every <see cref="Interval"/> (not one notification per write), at most <see cref="MaxMessageCharacters"/>
/// per notification, in order. At most <see cref="MaxPendingCharacters"/> wait to be sent; beyond that the text is dropped
/// with a marker (the call's result still has the output). <c>progress</c> counts the characters sent so far.
/// </summary>
internal sealed class ProgressOutputNotifier : IAsyncDisposable
{
    /// <summary>How often gathered output is sent.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>The most characters of output one notification carries.</summary>
    public const int MaxMessageCharacters = 8192;

    /// <summary>The most characters waiting to be sent; more is dropped until the client has caught up.</summary>
    public const int MaxPendingCharacters = 65536;

    private readonly McpServer _server;
    private readonly ProgressToken _token;
    private readonly Lock _lock = new();
    private readonly StringBuilder _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private long _dropped;
    private long _sent;
    private bool _failed;

    /// <summary>Initializes a new instance of the <see cref="ProgressOutputNotifier"/> class and starts sending.</summary>
    /// <param name="server">The server of the call.</param>
    /// <param name="token">The call's progress token.</param>
    public ProgressOutputNotifier(McpServer server, ProgressToken token)
    {
        _server = server;
        _token = token;
        _pump = PumpAsync();
    }

    /// <summary>Adds output to send.</summary>
    public void Append(string text)
    {
        lock (_lock)
        {
            var room = MaxPendingCharacters - _pending.Length;
            if (text.Length <= room)
            {
                _pending.Append(text);
                return;
            }

            _pending.Append(text, 0, Math.Max(room, 0));
            _dropped += text.Length - Math.Max(room, 0);
        }
    }

    /// <summary>Stops the timer and sends what is left, so every notification precedes the call's result.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _pump.ConfigureAwait(false);
        await FlushAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task PumpAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task FlushAsync()
    {
        string text;
        lock (_lock)
        {
            if (_dropped > 0)
            {
                _pending.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n[... {_dropped} characters of output not sent as progress; the result has the output ...]\n");
                _dropped = 0;
            }

            if (_pending.Length == 0 || _failed)
            {
                _pending.Clear();
                return;
            }

            text = _pending.ToString();
            _pending.Clear();
        }

        var start = 0;
        while (start < text.Length)
        {
            var length = Math.Min(MaxMessageCharacters, text.Length - start);

            // Do not split a surrogate pair between two notifications.
            if (start + length < text.Length && char.IsHighSurrogate(text[start + length - 1]))
            {
                length--;
            }

            var message = text.Substring(start, length);
            start += length;
            _sent += length;
            try
            {
                await _server.NotifyProgressAsync(_token, new ProgressNotificationValue { Progress = _sent, Message = message }, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The client went away or the response ended: the output stays in the result; stop sending.
                _failed = true;
                return;
            }
        }
    }
}
