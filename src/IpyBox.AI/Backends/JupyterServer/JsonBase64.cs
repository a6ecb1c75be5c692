using System.Buffers;
using System.Buffers.Text;

namespace IpyBox.AI;

/// <summary>
/// Decodes the base64 text of a JSON string value chunk by chunk, straight from the response bytes, so a file never exists
/// a second time in memory as a .NET string. Python's <c>base64.encodebytes</c> breaks lines every 76 characters; in JSON
/// the breaks arrive as <c>\n</c> escapes, which are skipped like any whitespace.
/// </summary>
internal static class JsonBase64
{
    private const int ChunkChars = 64 * 1024;

    /// <summary>Decodes <paramref name="rawValue"/> (the bytes between the quotes of a JSON string, escapes not yet resolved) into <paramref name="destination"/>.</summary>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="InvalidDataException">The value is not base64.</exception>
    public static async Task<long> DecodeAsync(ReadOnlyMemory<byte> rawValue, Stream destination, CancellationToken cancellationToken)
    {
        var text = new byte[ChunkChars];
        var bytes = new byte[ChunkChars / 4 * 3];
        var position = 0;
        var carried = 0;
        long written = 0;
        while (true)
        {
            var count = Gather(rawValue.Span, ref position, text, carried);
            var isFinal = position >= rawValue.Length;

            // Before the end, the last block stays behind: only the final call may see padding.
            var usable = isFinal ? count : Math.Max(0, count - 4) & ~3;
            var status = Base64.DecodeFromUtf8(text.AsSpan(0, usable), bytes, out var consumed, out var produced, isFinal);
            if (status == OperationStatus.InvalidData || (isFinal && status != OperationStatus.Done))
            {
                throw new InvalidDataException("The Jupyter server sent file content that is not valid base64.");
            }

            await destination.WriteAsync(bytes.AsMemory(0, produced), cancellationToken).ConfigureAwait(false);
            written += produced;
            if (isFinal)
            {
                return written;
            }

            carried = count - consumed;
            text.AsSpan(consumed, carried).CopyTo(text);
        }
    }

    /// <summary>Copies base64 characters from <paramref name="source"/> into <paramref name="text"/> after the first <paramref name="filled"/>, skipping whitespace.</summary>
    /// <returns>The number of characters in <paramref name="text"/>.</returns>
    private static int Gather(ReadOnlySpan<byte> source, ref int position, byte[] text, int filled)
    {
        while (position < source.Length)
        {
            var length = ReadCharacter(source[position..], out var c);
            if (c is not ((byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
            {
                if (filled == text.Length)
                {
                    return filled;
                }

                text[filled++] = c;
            }

            position += length;
        }

        return filled;
    }

    /// <summary>Reads one ASCII character of a JSON string, resolving an escape; returns the number of bytes it takes.</summary>
    private static int ReadCharacter(ReadOnlySpan<byte> source, out byte character)
    {
        character = source[0];
        if (character != (byte)'\\')
        {
            return 1;
        }

        switch (source.Length > 1 ? source[1] : (byte)0)
        {
            case (byte)'n':
                character = (byte)'\n';
                return 2;
            case (byte)'r':
                character = (byte)'\r';
                return 2;
            case (byte)'t':
                character = (byte)'\t';
                return 2;
            case (byte)'/':
                character = (byte)'/';
                return 2;
            case (byte)'u' when source.Length >= 6
                && Utf8Parser.TryParse(source.Slice(2, 4), out ushort code, out var digits, 'x') && digits == 4 && code < 0x80:
                // Some JSON encoders escape characters such as '+' as \u002b.
                character = (byte)code;
                return 6;
            default:
                throw new InvalidDataException("The Jupyter server sent file content with a JSON escape that base64 never needs.");
        }
    }
}
