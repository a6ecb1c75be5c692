using System.Buffers;
using System.Globalization;
using System.Text;

namespace IpyBox.AI;

/// <summary>
/// Assembles one JSON text frame from the pieces a WebSocket delivers, in bounded memory: a string longer than the string limit
/// keeps its head and tail around a marker (cut only between characters and escapes), a lone UTF-16 surrogate escape
/// (<c>"\ud800"</c>, which Python's <c>json</c> writes) becomes U+FFFD, and a frame still larger than the frame limit is dropped.
/// Nothing is ever held whole: a message of hundreds of MB costs at most the frame limit.
/// </summary>
internal sealed class FrameAssembler
{
    private static readonly byte[] s_replacement = "\\ufffd"u8.ToArray();

    private readonly int _maxFrameBytes;
    private readonly int _headLimit;
    private readonly int _tailLimit;
    private ArrayBufferWriter<byte> _output = new();
    private byte[] _tail = [];
    private bool[] _tailUnitStarts = [];
    private readonly byte[] _escape = new byte[6];
    private readonly byte[] _pendingHigh = new byte[6];

    private bool _inString;
    private int _escapeLength;
    private bool _hasPendingHigh;
    private long _stringBytes;
    private int _headBytes;
    private bool _inTail;
    private int _tailStart;
    private int _tailCount;
    private bool _overflow;

    /// <summary>Initializes a new instance of the <see cref="FrameAssembler"/> class.</summary>
    /// <param name="maxFrameBytes">The most bytes a frame may have once its long strings are cut; longer strings keep half of this.</param>
    public FrameAssembler(int maxFrameBytes)
    {
        _maxFrameBytes = maxFrameBytes;
        var stringLimit = maxFrameBytes / 2;
        _headLimit = stringLimit / 2;
        _tailLimit = stringLimit - _headLimit;
    }

    /// <summary>Gets the number of bytes received for the current frame.</summary>
    public long ReceivedBytes { get; private set; }

    /// <summary>Gets the number of strings of the current frame that were cut.</summary>
    public int TruncatedStrings { get; private set; }

    /// <summary>Takes the next piece of the current frame.</summary>
    public void Append(ReadOnlySpan<byte> piece)
    {
        ReceivedBytes += piece.Length;
        if (_overflow)
        {
            return;
        }

        foreach (var b in piece)
        {
            if (_inString)
            {
                InString(b);
            }
            else
            {
                Write(b);
                _inString = b == (byte)'"';
                if (_inString)
                {
                    _stringBytes = 0;
                    _headBytes = 0;
                    _inTail = false;
                    _tailCount = 0;
                    _tailStart = 0;
                }
            }
        }

        if (_output.WrittenCount > _maxFrameBytes)
        {
            _overflow = true;
        }
    }

    /// <summary>Ends the current frame and starts the next.</summary>
    /// <param name="frame">The assembled frame (valid until the next <see cref="Append"/>), or empty when it was dropped.</param>
    /// <returns><see langword="true"/> when the frame fits; <see langword="false"/> when it was too large even with its strings cut.</returns>
    public bool Complete(out ReadOnlyMemory<byte> frame)
    {
        var fits = !_overflow && !_inString;
        frame = fits ? _output.WrittenMemory : ReadOnlyMemory<byte>.Empty;
        _overflow = false;
        _inString = false;
        _escapeLength = 0;
        _hasPendingHigh = false;
        return fits;
    }

    /// <summary>Forgets the last frame: call after the frame from <see cref="Complete"/> was used.</summary>
    public void Reset()
    {
        if (_output.Capacity > 1024 * 1024)
        {
            // Give the memory of a large frame back instead of keeping it for the small ones that follow.
            _output = new ArrayBufferWriter<byte>();
            _tail = [];
            _tailUnitStarts = [];
        }
        else
        {
            _output.ResetWrittenCount();
        }

        ReceivedBytes = 0;
        TruncatedStrings = 0;
    }

    private void InString(byte b)
    {
        if (_escapeLength > 0)
        {
            _escape[_escapeLength++] = b;
            if ((_escape[1] == (byte)'u' && _escapeLength < 6) || _escapeLength < 2)
            {
                return;
            }

            var escape = _escape.AsSpan(0, _escapeLength);
            _escapeLength = 0;
            OnEscape(escape);
            return;
        }

        if (b == (byte)'\\')
        {
            _escape[0] = b;
            _escapeLength = 1;
            return;
        }

        FlushPendingHigh();
        if (b == (byte)'"')
        {
            EndString();
            Write(b);
            _inString = false;
            return;
        }

        // A UTF-8 continuation byte belongs to the character its lead byte started.
        AddToString(b, unitStart: (b & 0xC0) != 0x80, unitLength: 4);
    }

    private void OnEscape(ReadOnlySpan<byte> escape)
    {
        if (escape.Length != 6 || !ushort.TryParse(Encoding.ASCII.GetString(escape[2..]), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
        {
            FlushPendingHigh();
            AddUnit(escape);
            return;
        }

        if (value is >= 0xDC00 and <= 0xDFFF)
        {
            if (_hasPendingHigh)
            {
                _hasPendingHigh = false;
                Span<byte> pair = stackalloc byte[12];
                _pendingHigh.CopyTo(pair);
                escape.CopyTo(pair[6..]);
                AddUnit(pair);
            }
            else
            {
                AddUnit(s_replacement);
            }

            return;
        }

        FlushPendingHigh();
        if (value is >= 0xD800 and <= 0xDBFF)
        {
            escape.CopyTo(_pendingHigh);
            _hasPendingHigh = true;
            return;
        }

        AddUnit(escape);
    }

    private void FlushPendingHigh()
    {
        if (_hasPendingHigh)
        {
            _hasPendingHigh = false;
            AddUnit(s_replacement);
        }
    }

    private void AddUnit(ReadOnlySpan<byte> unit)
    {
        for (var i = 0; i < unit.Length; i++)
        {
            AddToString(unit[i], unitStart: i == 0, unitLength: unit.Length);
        }
    }

    /// <summary>Adds a byte of the current string: to the head while it has room (a unit that starts there stays there), then to the tail ring.</summary>
    private void AddToString(byte b, bool unitStart, int unitLength)
    {
        _stringBytes++;
        if (!_inTail && unitStart && _headBytes + unitLength > _headLimit)
        {
            _inTail = true;
            if (_tail.Length == 0)
            {
                _tail = new byte[_tailLimit];
                _tailUnitStarts = new bool[_tailLimit];
            }
        }

        if (!_inTail)
        {
            _headBytes++;
            Write(b);
            return;
        }

        var end = (_tailStart + _tailCount) % _tail.Length;
        _tail[end] = b;
        _tailUnitStarts[end] = unitStart;
        if (_tailCount == _tail.Length)
        {
            _tailStart = (_tailStart + 1) % _tail.Length;
        }
        else
        {
            _tailCount++;
        }
    }

    private void EndString()
    {
        if (!_inTail)
        {
            return;
        }

        // Start the tail at a unit boundary: never inside an escape or a UTF-8 sequence.
        var skip = 0;
        while (skip < _tailCount && !_tailUnitStarts[(_tailStart + skip) % _tail.Length])
        {
            skip++;
        }

        var kept = _tailCount - skip;
        var omitted = _stringBytes - _headBytes - kept;
        if (omitted > 0)
        {
            TruncatedStrings++;
            WriteAscii($"\\n[... {omitted} bytes dropped: the kernel message exceeded the client's limit (ExecutionClientOptions.MaxMessageSize) ...]\\n");
        }

        for (var i = skip; i < _tailCount; i++)
        {
            Write(_tail[(_tailStart + i) % _tail.Length]);
        }

        _inTail = false;
        _tailCount = 0;
    }

    private void WriteAscii(string text)
    {
        var span = _output.GetSpan(text.Length);
        var written = Encoding.ASCII.GetBytes(text, span);
        _output.Advance(written);
    }

    private void Write(byte b)
    {
        if (_output.WrittenCount > _maxFrameBytes)
        {
            _overflow = true;
            return;
        }

        _output.GetSpan(1)[0] = b;
        _output.Advance(1);
    }
}
