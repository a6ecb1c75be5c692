using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;

namespace IpyBox.AI;

/// <summary>Turns a base64 image output into an <see cref="ExecutionImage"/>, reading only the header for its size.</summary>
internal static class ImageDecoder
{
    // Images come from untrusted code: only these formats are recognised, and only their headers are read.
    private static readonly Configuration s_configuration = new(new PngConfigurationModule(), new JpegConfigurationModule(), new GifConfigurationModule());

    public static ExecutionImage? FromBase64(string mediaType, string base64)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64.Replace("\n", string.Empty, StringComparison.Ordinal));
        }
        catch (FormatException)
        {
            return null;
        }

        var (width, height) = Identify(bytes);
        return new ExecutionImage(bytes, mediaType, width, height);
    }

    private static (int Width, int Height) Identify(byte[] bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var info = Image.Identify(s_configuration, stream);
            return info is null ? (0, 0) : (info.Width, info.Height);
        }
        catch (Exception ex) when (ex is ImageFormatException or NotSupportedException or InvalidDataException)
        {
            return (0, 0);
        }
    }
}
