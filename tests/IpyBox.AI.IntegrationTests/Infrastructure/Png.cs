using System.Buffers.Binary;

namespace IpyBox.AI.IntegrationTests;

/// <summary>Reads the pixel size from a PNG header.</summary>
public static class Png
{
    public static (int Width, int Height) Size(ReadOnlySpan<byte> png)
    {
        Assert.True(png.Length > 24 && png[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "not a PNG");
        return (BinaryPrimitives.ReadInt32BigEndian(png[16..]), BinaryPrimitives.ReadInt32BigEndian(png[20..]));
    }
}
