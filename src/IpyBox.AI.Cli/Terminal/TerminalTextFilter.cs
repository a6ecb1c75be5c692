using System.Globalization;
using System.Text;

namespace IpyBox.AI.Cli.Terminal;

/// <summary>
/// Makes sandbox output safe to write to a terminal: control characters and escape sequences are shown, not executed
/// (<c>ESC</c> as <c>^[</c>, other C0 controls in caret notation, C1 controls and bidirectional overrides as
/// <c>\u009B</c>-style escapes), so code in a sandbox cannot set the window title, write the clipboard, clear the screen,
/// plant links or reorder text. Colour and style sequences (SGR: <c>ESC [ digits ; … m</c>) pass, since they only change
/// how text looks; newlines, tabs and carriage returns pass. Text arrives in chunks, so a sequence cut at the end of one
/// chunk is held until the next.
/// </summary>
internal sealed class TerminalTextFilter
{
    /// <summary>The longest colour sequence kept; a longer one is shown instead.</summary>
    private const int MaxStyleSequenceLength = 64;

    private readonly StringBuilder _pending = new();

    /// <summary>Filters one chunk; a sequence cut at its end is returned with the next chunk (or <see cref="Flush"/>).</summary>
    /// <param name="chunk">The text from the sandbox.</param>
    /// <returns>The text to write.</returns>
    public string Filter(string chunk)
    {
        var text = _pending.Append(chunk).ToString();
        _pending.Clear();
        var output = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\u001b')
            {
                switch (StyleSequenceLength(text, i))
                {
                    case 0:
                        output.Append("^[");
                        break;
                    case -1:
                        _pending.Append(text, i, text.Length - i);
                        return output.ToString();
                    case var length:
                        output.Append(text, i, length);
                        i += length - 1;
                        break;
                }

                continue;
            }

            AppendShown(output, c);
        }

        return output.ToString();
    }

    /// <summary>Returns what is held from an unfinished sequence, shown as text.</summary>
    /// <returns>The held text, neutralised.</returns>
    public string Flush()
    {
        var held = _pending.ToString();
        _pending.Clear();
        var output = new StringBuilder(held.Length + 1);
        foreach (var c in held)
        {
            if (c == '\u001b')
            {
                output.Append("^[");
            }
            else
            {
                AppendShown(output, c);
            }
        }

        return output.ToString();
    }

    /// <summary>The length of the colour sequence at <paramref name="start"/>; 0 when it is none; -1 when the text ends before it could be told.</summary>
    private static int StyleSequenceLength(string text, int start)
    {
        if (start + 1 >= text.Length)
        {
            return -1;
        }

        if (text[start + 1] != '[')
        {
            return 0;
        }

        for (var i = start + 2; i < text.Length && i - start < MaxStyleSequenceLength; i++)
        {
            var c = text[i];
            if (c == 'm')
            {
                return i - start + 1;
            }

            if (c is not (>= '0' and <= '9') and not ';')
            {
                return 0;
            }
        }

        return text.Length - start < MaxStyleSequenceLength ? -1 : 0;
    }

    private static void AppendShown(StringBuilder output, char c)
    {
        if (c is '\n' or '\t' or '\r')
        {
            output.Append(c);
        }
        else if (c < ' ')
        {
            output.Append('^').Append((char)(c + '@'));
        }
        else if (c == '\u007f')
        {
            output.Append("^?");
        }
        else if (c is (>= '\u0080' and <= '\u009f') or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069'))
        {
            output.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
        }
        else
        {
            output.Append(c);
        }
    }
}
