using System.Globalization;
using System.Text;

namespace IpyBox.AI;

/// <summary>
/// Text that holds at most a fixed number of characters however much is appended: the head and the tail are kept and
/// what fell out between them is counted and named by a marker. Memory stays within the limit while the text grows, and
/// the tail's buffer is allocated only once the head is full, so short text (nearly every execution's) costs only itself.
/// </summary>
internal sealed class BoundedText
{
    private readonly int _headLimit;
    private readonly int _tailLimit;
    private readonly StringBuilder _head = new();
    private char[]? _tail;
    private int _tailStart;
    private int _tailCount;
    private long _omitted;

    /// <summary>Initializes a new instance of the <see cref="BoundedText"/> class.</summary>
    /// <param name="limit">The most characters kept; two thirds go to the head, the rest to the tail.</param>
    public BoundedText(int limit)
    {
        _headLimit = limit * 2 / 3;
        _tailLimit = limit - _headLimit;
    }

    /// <summary>Gets the number of characters appended so far.</summary>
    public long Length { get; private set; }

    /// <summary>Gets a value indicating whether nothing was appended.</summary>
    public bool IsEmpty => Length == 0;

    /// <summary>Gets the last character appended, or <see langword="null"/> when nothing was.</summary>
    public char? Last => _tailCount > 0 ? _tail![(_tailStart + _tailCount - 1) % _tailLimit] : _head.Length > 0 ? _head[^1] : null;

    /// <summary>Appends <paramref name="text"/>; what no longer fits between head and tail is dropped and counted.</summary>
    public void Append(ReadOnlySpan<char> text)
    {
        Length += text.Length;
        var toHead = Math.Min(text.Length, _headLimit - _head.Length);
        if (toHead > 0)
        {
            _head.Append(text[..toHead]);
            text = text[toHead..];
        }

        if (text.IsEmpty || _tailLimit == 0)
        {
            _omitted += text.Length;
            return;
        }

        var tail = _tail ??= new char[_tailLimit];
        if (text.Length >= tail.Length)
        {
            _omitted += _tailCount + text.Length - tail.Length;
            text[^tail.Length..].CopyTo(tail);
            _tailStart = 0;
            _tailCount = tail.Length;
            return;
        }

        foreach (var c in text)
        {
            var end = (_tailStart + _tailCount) % tail.Length;
            tail[end] = c;
            if (_tailCount == tail.Length)
            {
                _tailStart = (_tailStart + 1) % tail.Length;
                _omitted++;
            }
            else
            {
                _tailCount++;
            }
        }
    }

    /// <summary>Returns the kept text; when some was dropped, a marker between head and tail says how much.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(_head.Length + _tailCount + 160);
        var headLength = _head.Length;
        if (_omitted > 0 && headLength > 0 && char.IsHighSurrogate(_head[headLength - 1]))
        {
            headLength--;
        }

        text.Append(_head, 0, headLength);
        if (_omitted > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n[... {_omitted} characters dropped: the output exceeded the client's limit (output was {Length} characters; ExecutionClientOptions.MaxOutputLength) ...]\n");
        }

        if (_tail is not { } tail)
        {
            return text.ToString();
        }

        var first = _tailStart;
        var count = _tailCount;
        if (_omitted > 0 && count > 0 && char.IsLowSurrogate(tail[first]))
        {
            // The cut went through a surrogate pair; drop its orphaned half.
            first = (first + 1) % tail.Length;
            count--;
        }

        var upToEnd = Math.Min(count, tail.Length - first);
        text.Append(tail, first, upToEnd);
        text.Append(tail, 0, count - upToEnd);
        return text.ToString();
    }
}
