using System.Buffers;
using System.Globalization;
using System.Text;

namespace IpyBox.AI;

/// <summary>
/// Assembles one JSON text frame from the pieces a WebSocket delivers, in bounded memory: a string longer than the string limit
/// keeps its head and tail around a marker (cut only between characters and escapes), a lone UTF-16 surrogate escape
/// (<c>"\ud800"</c>, which Python's <c>json</c> writes) becomes U+FFFD, and a frame still larger than the frame limit is dropped.
/// Nothing is ever held whole: a message of hundreds of MB costs at most the frame limit. Plain runs are copied in bulk, so a
/// huge message is read at memory speed and the connection's keep-alive answers are not held up behind it.
/// </summary>
internal sealed class FrameAssembler
{
    /// <summary>The words that end the marker in a cut string, by which a cut image is told from a broken one.</summary>
    public const string CutMarkerEnd = "the kernel message exceeded the client's limit (" + DroppedFrame.LimitOption + ") ...]";

    private static readonly byte[] s_replacement = "\\ufffd"u8.ToArray();

    private readonly int _maxFrameBytes;
    private readonly int _headLimit;
    private readonly int _tailLimit;
    private readonly byte[] _escape = new byte[6];
    private readonly byte[] _pendingHigh = new byte[6];
    private ArrayBufferWriter<byte> _output = new();
    private byte[] _tail = [];
    private bool[] _tailInsideEscape = [];

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
        while (!piece.IsEmpty && !_overflow)
        {
            if (!_inString)
            {
                var quote = piece.IndexOf((byte)'"');
                var run = quote < 0 ? piece : piece[..(quote + 1)];
                Write(run);
                piece = piece[run.Length..];
                if (quote >= 0)
                {
                    StartString();
                }
            }
            else if (_escapeLength > 0)
            {
                InEscape(piece[0]);
                piece = piece[1..];
            }
            else
            {
                var special = piece.IndexOfAny((byte)'"', (byte)'\\');
                var plain = special < 0 ? piece : piece[..special];
                if (!plain.IsEmpty)
                {
                    FlushPendingHigh();
                    AddPlain(plain);
                    piece = piece[plain.Length..];
                }

                if (special >= 0)
                {
                    OnSpecial(piece[0]);
                    piece = piece[1..];
                }
            }
        }
    }

    /// <summary>Ends the current frame.</summary>
    /// <param name="frame">The assembled frame (valid until <see cref="Reset"/>), or empty when it was dropped.</param>
    /// <returns><see langword="true"/> when the frame fits; <see langword="false"/> when it was too large even with its strings cut.</returns>
    public bool Complete(out ReadOnlyMemory<byte> frame)
    {
        var fits = !_overflow && !_inString;
        frame = fits ? _output.WrittenMemory : ReadOnlyMemory<byte>.Empty;
        return fits;
    }

    /// <summary>Tells what can be read of a frame that <see cref="Complete"/> dropped: its type, parent and media types, from the part held.</summary>
    /// <returns>The dropped frame's description.</returns>
    public DroppedFrame Dropped() => DroppedFrame.Read(_output.WrittenSpan, ReceivedBytes, _maxFrameBytes);

    /// <summary>Forgets the last frame and starts the next: call after the frame from <see cref="Complete"/> was used.</summary>
    public void Reset()
    {
        if (_output.Capacity > 1024 * 1024)
        {
            // Give the memory of a large frame back instead of keeping it for the small ones that follow.
            _output = new ArrayBufferWriter<byte>();
            _tail = [];
            _tailInsideEscape = [];
        }
        else
        {
            _output.ResetWrittenCount();
        }

        ReceivedBytes = 0;
        TruncatedStrings = 0;
        _overflow = false;
        _inString = false;
        _escapeLength = 0;
        _hasPendingHigh = false;
    }

    private void StartString()
    {
        _inString = true;
        _stringBytes = 0;
        _headBytes = 0;
        _inTail = false;
        _tailCount = 0;
        _tailStart = 0;
    }

    private void OnSpecial(byte b)
    {
        if (b == (byte)'\\')
        {
            _escape[0] = b;
            _escapeLength = 1;
            return;
        }

        FlushPendingHigh();
        EndString();
        Write([b]);
        _inString = false;
    }

    private void InEscape(byte b)
    {
        _escape[_escapeLength++] = b;
        if ((_escape[1] == (byte)'u' && _escapeLength < 6) || _escapeLength < 2)
        {
            return;
        }

        var escape = _escape.AsSpan(0, _escapeLength);
        _escapeLength = 0;
        if (escape.Length != 6 || !ushort.TryParse(Encoding.ASCII.GetString(escape[2..]), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
        {
            FlushPendingHigh();
            AddUnit(escape);
        }
        else if (value is >= 0xDC00 and <= 0xDFFF)
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
        }
        else
        {
            FlushPendingHigh();
            if (value is >= 0xD800 and <= 0xDBFF)
            {
                escape.CopyTo(_pendingHigh);
                _hasPendingHigh = true;
            }
            else
            {
                AddUnit(escape);
            }
        }
    }

    private void FlushPendingHigh()
    {
        if (_hasPendingHigh)
        {
            _hasPendingHigh = false;
            AddUnit(s_replacement);
        }
    }

    /// <summary>Adds an escape sequence, which is never split.</summary>
    private void AddUnit(ReadOnlySpan<byte> unit)
    {
        _stringBytes += unit.Length;
        if (!_inTail && _headBytes + unit.Length <= _headLimit)
        {
            Write(unit);
            _headBytes += unit.Length;
            return;
        }

        EnterTail();
        AddToTail(unit, escape: true);
    }

    /// <summary>Adds a run of raw UTF-8 string bytes: to the head while it has room (cut before a character, never inside one), then to the tail.</summary>
    private void AddPlain(ReadOnlySpan<byte> run)
    {
        _stringBytes += run.Length;
        if (!_inTail)
        {
            var room = _headLimit - _headBytes;
            if (run.Length <= room)
            {
                Write(run);
                _headBytes += run.Length;
                return;
            }

            var cut = room;
            while (cut > 0 && (run[cut] & 0xC0) == 0x80)
            {
                cut--;
            }

            Write(run[..cut]);
            _headBytes += cut;
            run = run[cut..];
            EnterTail();
        }

        AddToTail(run, escape: false);
    }

    private void EnterTail()
    {
        _inTail = true;
        if (_tail.Length == 0)
        {
            _tail = new byte[_tailLimit];
            _tailInsideEscape = new bool[_tailLimit];
        }
    }

    /// <summary>Adds bytes to the tail ring, which keeps the last bytes of the string; escape bytes after the first are marked as no place to start.</summary>
    private void AddToTail(ReadOnlySpan<byte> bytes, bool escape)
    {
        if (bytes.Length >= _tail.Length)
        {
            bytes = bytes[^_tail.Length..];
            bytes.CopyTo(_tail);
            Array.Clear(_tailInsideEscape);
            _tailStart = 0;
            _tailCount = _tail.Length;
            if (escape)
            {
                // Only a whole escape is ever this long when the ring is tiny; its remnant is no valid start.
                Array.Fill(_tailInsideEscape, true);
            }

            return;
        }

        var end = (_tailStart + _tailCount) % _tail.Length;
        var first = Math.Min(bytes.Length, _tail.Length - end);
        bytes[..first].CopyTo(_tail.AsSpan(end));
        bytes[first..].CopyTo(_tail);
        MarkEscape(end, first, escape);
        MarkEscape(0, bytes.Length - first, escape);
        if (escape)
        {
            _tailInsideEscape[end] = false;
        }

        var overflow = _tailCount + bytes.Length - _tail.Length;
        if (overflow > 0)
        {
            _tailStart = (_tailStart + overflow) % _tail.Length;
            _tailCount = _tail.Length;
        }
        else
        {
            _tailCount += bytes.Length;
        }
    }

    private void MarkEscape(int start, int length, bool escape)
    {
        if (length > 0)
        {
            _tailInsideEscape.AsSpan(start, length).Fill(escape);
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
        while (skip < _tailCount)
        {
            var index = (_tailStart + skip) % _tail.Length;
            if (!_tailInsideEscape[index] && (_tail[index] & 0xC0) != 0x80)
            {
                break;
            }

            skip++;
        }

        var kept = _tailCount - skip;
        var omitted = _stringBytes - _headBytes - kept;
        if (omitted > 0)
        {
            TruncatedStrings++;
            Write(Encoding.ASCII.GetBytes($"\\n[... {omitted} bytes dropped: {CutMarkerEnd}\\n"));
        }

        var start = (_tailStart + skip) % _tail.Length;
        var upToEnd = Math.Min(kept, _tail.Length - start);
        Write(_tail.AsSpan(start, upToEnd));
        Write(_tail.AsSpan(0, kept - upToEnd));
        _inTail = false;
        _tailCount = 0;
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        if (_output.WrittenCount + bytes.Length > _maxFrameBytes)
        {
            _overflow = true;
            return;
        }

        _output.Write(bytes);
    }
}
