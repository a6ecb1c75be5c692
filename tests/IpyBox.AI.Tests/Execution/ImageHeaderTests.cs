namespace IpyBox.AI.Tests;

/// <summary>Image sizes from headers written by hostile code: right for real headers, (0, 0) for anything else, never a throw.</summary>
public sealed class ImageHeaderTests
{
    [Fact]
    public void Png_size_comes_from_its_header_chunk()
    {
        Assert.Equal((3, 2), ImageHeader.ReadSize(Convert.FromBase64String(Frames.TinyPng)));
        Assert.Equal((640, 480), ImageHeader.ReadSize(Png(640, 480)));
    }

    [Fact]
    public void Gif_size_comes_from_its_logical_screen()
    {
        Assert.Equal((300, 5), ImageHeader.ReadSize([.. "GIF89a"u8, 0x2C, 0x01, 0x05, 0x00, 0, 0, 0]));
        Assert.Equal((1, 2), ImageHeader.ReadSize([.. "GIF87a"u8, 0x01, 0x00, 0x02, 0x00]));
    }

    [Fact]
    public void Jpeg_size_comes_from_the_first_frame_after_other_segments_and_fill_bytes()
    {
        byte[] jpeg =
        [
            0xFF, 0xD8,
            0xFF, 0xE0, 0x00, 0x06, (byte)'J', (byte)'F', (byte)'I', (byte)'F',    // APP0, 4 bytes of data
            0xFF, 0xC4, 0x00, 0x03, 0x00,                                          // a Huffman table is no frame
            0xFF, 0xFF, 0xC2, 0x00, 0x11, 0x08, 0x00, 0x30, 0x00, 0x40, 0x03,     // fill byte, progressive frame 64x48
        ];
        Assert.Equal((64, 48), ImageHeader.ReadSize(jpeg));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H' })]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a', 1 })]
    [InlineData(new byte[] { 0xFF, 0xD8 })]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00 })]                                  // length cut off
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x00, 0xFF, 0xC0 })]                // zero length
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF })]                            // length past the end
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00 })]                // frame cut off
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x11 })]                            // scan before any frame
    [InlineData(new byte[] { 0xFF, 0xD8, 0x00, 0x00 })]                                        // no marker
    [InlineData(new byte[] { (byte)'n', (byte)'o', (byte)'t', (byte)'a', (byte)'n', (byte)'i', (byte)'m', (byte)'g' })]
    public void Unrecognised_or_truncated_headers_give_zero_size(byte[] bytes) =>
        Assert.Equal((0, 0), ImageHeader.ReadSize(bytes));

    [Fact]
    public void Sizes_beyond_int_or_of_zero_give_zero_size()
    {
        Assert.Equal((0, 0), ImageHeader.ReadSize(Png(uint.MaxValue, 10)));
        Assert.Equal((0, 0), ImageHeader.ReadSize(Png(10, 0)));
    }

    [Fact]
    public void A_png_header_on_a_jpeg_media_type_is_read_by_its_signature()
    {
        var image = ImageDecoder.FromBase64("image/jpeg", Convert.ToBase64String(Png(7, 9)));
        Assert.NotNull(image);
        Assert.Equal((7, 9), (image.Width, image.Height));
    }

    private static byte[] Png(uint width, uint height)
    {
        var bytes = new byte[33];
        new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }.CopyTo(bytes, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20), height);
        return bytes;
    }
}
