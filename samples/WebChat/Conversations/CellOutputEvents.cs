using IpyBox.AI;

/// <summary>
/// Turns the output of a turn's cells into page events as the kernel sends it: text, images, the Python error, and markers
/// of output the library dropped. Everything here came from the sandbox, so the page shows it as text, an image only in a
/// raster format it can display, and no more of either per turn than <see cref="MaxTextCharacters"/> and
/// <see cref="MaxImages"/> (a flood must not fill the page or this process; the model still gets its own fitted result).
/// </summary>
internal sealed class CellOutputEvents(EventLog events) : IProgress<ExecutionEvent>
{
    /// <summary>The most characters of output a turn shows on the page.</summary>
    public const int MaxTextCharacters = 200_000;

    /// <summary>The most images a turn shows on the page.</summary>
    public const int MaxImages = 20;

    private static readonly HashSet<string> s_imageTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"];

    private readonly Lock _gate = new();
    private int _characters;
    private int _images;
    private bool _textCut;
    private bool _imagesCut;

    public void Report(ExecutionEvent value)
    {
        lock (_gate)
        {
            switch (value)
            {
                case StreamOutputEvent stream:
                    ShowText(stream.Stream == OutputStreamName.Stderr ? "stderr" : "stdout", stream.Text);
                    break;
                case MimeOutputEvent { Image: { } image } when s_imageTypes.Contains(image.MediaType):
                    ShowImage(image);
                    break;
                case MimeOutputEvent { PlainText: { Length: > 0 } text }:
                    ShowText("result", text);
                    break;
                case ExecutionErrorEvent error:
                    events.Append("cell-error", new { name = error.ErrorName, value = Cut(error.ErrorValue, 2_000), trace = Cut(error.Trace, 20_000) });
                    break;
                case OutputDroppedEvent dropped:
                    events.Append("output", new { stream = "notice", text = dropped.Message });
                    break;
                case ClearOutputEvent:
                    events.Append("clear-output", new { });
                    break;
            }
        }
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length), " [cut]");

    private void ShowText(string stream, string text)
    {
        var room = MaxTextCharacters - _characters;
        if (room > 0)
        {
            var shown = text.Length <= room ? text : text[..room];
            _characters += shown.Length;
            events.Append("output", new { stream, text = shown });
        }

        if (text.Length > room && !_textCut)
        {
            _textCut = true;
            events.Append("output", new { stream = "notice", text = $"\n[The page shows at most {MaxTextCharacters} characters of output per answer; the rest is not shown.]\n" });
        }
    }

    private void ShowImage(ExecutionImage image)
    {
        if (_images < MaxImages)
        {
            _images++;
            events.Append("image", new { mediaType = image.MediaType, data = Convert.ToBase64String(image.Data.Span), width = image.Width, height = image.Height });
        }
        else if (!_imagesCut)
        {
            _imagesCut = true;
            events.Append("output", new { stream = "notice", text = $"\n[The page shows at most {MaxImages} images per answer.]\n" });
        }
    }
}
