using System.Buffers.Binary;

namespace IpyBox.AI;

/// <summary>
/// Reads the pixel size of a PNG, GIF or JPEG image from its header, recognising the format by its signature. The bytes come
/// from untrusted code: every read is bounds-checked, nothing but the header is looked at, and anything unrecognised,
/// truncated or out of range gives (0, 0).
/// </summary>
internal static class ImageHeader
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> PngHeaderChunk => "IHDR"u8;

    /// <summary>Gets the width and height of the image in <paramref name="bytes"/>, or (0, 0) when they cannot be read.</summary>
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> bytes)
    {
        var (width, height) = bytes switch
        {
            _ when bytes.StartsWith(PngSignature) => ReadPng(bytes),
            _ when bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8) => ReadGif(bytes),
            [0xFF, 0xD8, ..] => ReadJpeg(bytes),
            _ => (0L, 0L),
        };
        return width is > 0 and <= int.MaxValue && height is > 0 and <= int.MaxValue ? ((int)width, (int)height) : (0, 0);
    }

    // Signature (8), then the IHDR chunk: length (4), type (4), width (4), height (4), big-endian.
    private static (long Width, long Height) ReadPng(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 24 && bytes[12..16].SequenceEqual(PngHeaderChunk)
            ? (BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]), BinaryPrimitives.ReadUInt32BigEndian(bytes[20..]))
            : (0, 0);

    // Signature (6), then the logical screen width and height (2 each), little-endian.
    private static (long Width, long Height) ReadGif(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 10
            ? (BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]), BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]))
            : (0, 0);

    // Segments after the start of image: 0xFF, a marker, and (except for standalone markers) a big-endian length that
    // counts itself. The first start-of-frame segment holds precision (1), height (2), width (2).
    private static (long Width, long Height) ReadJpeg(ReadOnlySpan<byte> bytes)
    {
        var position = 2;
        while (position + 1 < bytes.Length)
        {
            if (bytes[position] != 0xFF)
            {
                return (0, 0);
            }

            var marker = bytes[position + 1];
            if (marker == 0xFF)
            {
                position++;                                  // fill byte before a marker
                continue;
            }

            position += 2;
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue;                                    // standalone: no length
            }

            if (marker is 0xD9 or 0xDA || position + 2 > bytes.Length)
            {
                return (0, 0);                               // end of image or start of scan before any frame
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes[position..]);
            if (length < 2)
            {
                return (0, 0);
            }

            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return length >= 7 && position + 7 <= bytes.Length
                    ? (BinaryPrimitives.ReadUInt16BigEndian(bytes[(position + 5)..]), BinaryPrimitives.ReadUInt16BigEndian(bytes[(position + 3)..]))
                    : (0, 0);
            }

            position += length;
        }

        return (0, 0);
    }
}
