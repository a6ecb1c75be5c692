using System.Text;
using System.Text.Json;

namespace IpyBox.AI;

/// <summary>Collects the messages of one execute request into an <see cref="ExecutionResult"/>.</summary>
/// <remarks>
/// An execution is complete once both its shell <c>execute_reply</c> and its IOPub <c>idle</c> status arrived:
/// the reply can overtake outputs that are still on their way over IOPub. Each output is also raised as an
/// <see cref="ExecutionEvent"/>, in arrival order, for the typed stream of <see cref="Execution"/>.
/// </remarks>
internal sealed class OutputCollector
{
    private static readonly string[] s_imageTypes = ["image/png", "image/jpeg", "image/gif"];
    private static readonly string[] s_richTypes = ["text/html", "text/markdown", "image/svg+xml", "text/latex", "application/json"];

    private readonly BoundedText _text;
    private readonly BoundedText _stdout;
    private readonly BoundedText _stderr;
    private readonly List<ExecutionImage> _images = [];
    private readonly List<RichOutput> _richOutputs = [];
    private readonly int _maxRichOutput;
    private readonly Action<ExecutionEvent>? _onEvent;
    private long _richOutputSize;
    private int _richOutputsDropped;
    private int? _executionCount;
    private (string Name, string Value, string Trace)? _error;

    /// <summary>Initializes a new instance of the <see cref="OutputCollector"/> class.</summary>
    /// <param name="maxOutputLength">The most characters each of the text, stdout and stderr keeps (head and tail), and the most
    /// characters (or image bytes) the rich outputs and images keep together.</param>
    /// <param name="onEvent">Receives each output as it is accepted; <see langword="null"/> for none.</param>
    public OutputCollector(int maxOutputLength = ExecutionClientOptions.DefaultMaxOutputLength, Action<ExecutionEvent>? onEvent = null)
    {
        _onEvent = onEvent;
        _text = new BoundedText(maxOutputLength);
        _stdout = new BoundedText(maxOutputLength);
        _stderr = new BoundedText(maxOutputLength);
        _maxRichOutput = maxOutputLength;
    }

    /// <summary>Gets a value indicating whether the <c>execute_reply</c> arrived.</summary>
    public bool ReplyReceived { get; private set; }

    /// <summary>Gets a value indicating whether the IOPub <c>idle</c> status arrived.</summary>
    public bool IdleReceived { get; private set; }

    /// <summary>Gets a value indicating whether every message of the execution arrived.</summary>
    public bool IsComplete => ReplyReceived && IdleReceived;

    /// <summary>Gets a value indicating whether the code raised an exception.</summary>
    public bool HasError => _error is not null;

    /// <summary>Takes one message; returns the text it adds to the output stream, if any.</summary>
    public string? Accept(JupyterMessage message)
    {
        switch (message.MessageType)
        {
            case "stream":
                return AcceptStream(message);
            case "execute_result":
                _executionCount = ReadExecutionCount(message.Content) ?? _executionCount;
                return AcceptData(message.Content, isResult: true);
            case "display_data":
                return AcceptData(message.Content, isResult: false);
            case "clear_output":
                _onEvent?.Invoke(new ClearOutputEvent(message.Content.ValueKind == JsonValueKind.Object
                    && message.Content.TryGetProperty("wait", out var wait) && wait.ValueKind == JsonValueKind.True));
                return null;
            case "error":
                // An execute_reply that overtook this message may have reported the error already: raise it once.
                var known = _error is not null;
                _error = ReadError(message.Content);
                if (!known)
                {
                    RaiseError();
                }

                return null;
            case "execute_reply":
                ReplyReceived = true;
                _executionCount = ReadExecutionCount(message.Content) ?? _executionCount;
                var status = message.GetString("status");
                if (_error is null && status == "error")
                {
                    _error = ReadError(message.Content);
                    RaiseError();
                }
                else if (_error is null && status == "aborted")
                {
                    _error = ("ExecutionAborted", "the kernel aborted this request because an earlier one failed", string.Empty);
                    RaiseError();
                }

                return null;
            case "status":
                if (message.GetString("execution_state") == "idle")
                {
                    IdleReceived = true;
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>Records output that was dropped before it arrived: the marker goes into the text where the output would have been, and out as an <see cref="OutputDroppedEvent"/>.</summary>
    /// <param name="marker">What was dropped and which option raises the limit.</param>
    /// <param name="limitOption">The option that raises the limit, or <see langword="null"/>.</param>
    /// <returns>The text the marker adds to the output stream.</returns>
    public string AcceptDropped(string marker, string? limitOption)
    {
        var chunk = _text.Last is { } last && last != '\n' ? $"\n{marker}\n" : $"{marker}\n";
        _text.Append(chunk);
        _onEvent?.Invoke(new OutputDroppedEvent(marker, limitOption));
        return chunk;
    }

    /// <summary>Gets or sets what the sandbox tells the caller beside the output (<see cref="ExecutionResult.Notice"/>).</summary>
    public string? Notice { get; set; }

    /// <summary>Builds the result from what arrived so far.</summary>
    public ExecutionResult ToResult()
    {
        var text = _text.ToString();
        if (_richOutputsDropped > 0)
        {
            text += $"\n[... {_richOutputsDropped} images or rich outputs dropped: the output exceeded the client's limit (ExecutionClientOptions.MaxOutputLength) ...]";
        }

        text = text.Trim();
        return new ExecutionResult(text.Length == 0 ? null : text, _stdout.ToString(), _stderr.ToString(), [.. _images], [.. _richOutputs], _executionCount)
        {
            Notice = Notice,
        };
    }

    /// <summary>Builds the exception for a Python error, or <see langword="null"/> when there was none.</summary>
    public ExecutionException? ToException() =>
        _error is { } error ? new ExecutionException(error.Name, error.Value, error.Trace, ToResult()) : null;

    private string? AcceptStream(JupyterMessage message)
    {
        var text = message.GetString("text");
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var stream = message.GetString("name") == "stderr" ? OutputStreamName.Stderr : OutputStreamName.Stdout;
        (stream == OutputStreamName.Stderr ? _stderr : _stdout).Append(text);
        _text.Append(text);
        _onEvent?.Invoke(new StreamOutputEvent(stream, text));
        return text;
    }

    private string? AcceptData(JsonElement content, bool isResult)
    {
        if (content.ValueKind != JsonValueKind.Object || !content.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        ExecutionImage? image = null;
        StringBuilder? dropped = null;
        foreach (var type in s_imageTypes)
        {
            if (!data.TryGetProperty(type, out var value) || value.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var base64 = value.GetString()!;
            if (!base64.Contains(FrameAssembler.CutMarkerEnd, StringComparison.Ordinal) && ImageDecoder.FromBase64(type, base64) is { } decoded)
            {
                image = decoded;
                if (Fits(image.Data.Length))
                {
                    _images.Add(image);
                }

                break;
            }

            var cut = base64.Contains(FrameAssembler.CutMarkerEnd, StringComparison.Ordinal);
            (dropped ??= new StringBuilder()).Append(AcceptDropped(ImageDropped(type, cut), cut ? DroppedFrame.LimitOption : null));
        }

        var richOutputs = new List<RichOutput>();
        foreach (var type in s_richTypes)
        {
            if (data.TryGetProperty(type, out var value))
            {
                var rich = new RichOutput(type, ReadText(value));
                richOutputs.Add(rich);
                if (Fits(rich.Content.Length))
                {
                    _richOutputs.Add(rich);
                }
            }
        }

        var plainText = data.TryGetProperty("text/plain", out var plain) ? ReadText(plain) : null;
        var droppedText = dropped?.ToString();
        if (_onEvent is not null)
        {
            _onEvent(isResult
                ? new ExecuteResultEvent(image, richOutputs, plainText, ReadExecutionCount(content))
                : new DisplayDataEvent(image, richOutputs, plainText));
        }

        // A figure's display also carries "<Figure size ...>" as text/plain; keep it out of Text.
        var hasRichRepresentation = image is not null || richOutputs.Count > 0;
        if ((isResult || !hasRichRepresentation) && plainText is { Length: > 0 })
        {
            var chunk = _text.Last is { } last && last != '\n' ? $"\n{plainText}\n" : $"{plainText}\n";
            _text.Append(chunk);
            return droppedText + chunk;
        }

        return droppedText;
    }

    /// <summary>Describes an image representation that could not be kept: cut to fit the message limit, or not base64 at all.</summary>
    private static string ImageDropped(string type, bool cut) =>
        cut
            ? $"[an {type} output was dropped: its kernel message exceeded the client's message limit, so the image was cut and cannot be decoded. Raise {DroppedFrame.LimitOption} to receive it.]"
            : $"[an {type} output was dropped: it is not valid base64.]";

    private void RaiseError()
    {
        if (_onEvent is not null && _error is { } error)
        {
            _onEvent(new ExecutionErrorEvent(error.Name, error.Value, error.Trace));
        }
    }

    /// <summary>Counts <paramref name="size"/> against the rich-output budget; false (and counted as dropped) when it does not fit.</summary>
    private bool Fits(long size)
    {
        if (_richOutputSize + size > _maxRichOutput)
        {
            _richOutputsDropped++;
            return false;
        }

        _richOutputSize += size;
        return true;
    }

    private static string ReadText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        // Some kernels send multi-line text as an array of lines.
        JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
            string.Concat(value.EnumerateArray().Select(e => e.GetString())),
        _ => value.GetRawText(),
    };

    private static int? ReadExecutionCount(JsonElement content) =>
        content.ValueKind == JsonValueKind.Object && content.TryGetProperty("execution_count", out var count) && count.TryGetInt32(out var n) ? n : null;

    private static (string Name, string Value, string Trace) ReadError(JsonElement content)
    {
        string Read(string name) =>
            content.ValueKind == JsonValueKind.Object && content.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

        var trace = content.ValueKind == JsonValueKind.Object && content.TryGetProperty("traceback", out var lines) && lines.ValueKind == JsonValueKind.Array
            ? string.Join('\n', lines.EnumerateArray().Where(l => l.ValueKind == JsonValueKind.String).Select(l => AnsiEscapes.Strip(l.GetString()!)))
            : string.Empty;
        return (Read("ename"), Read("evalue"), trace);
    }
}
