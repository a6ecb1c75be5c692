namespace IpyBox.AI;

/// <summary>Turns a base64 image output into an <see cref="ExecutionImage"/>, reading only the header for its size.</summary>
internal static class ImageDecoder
{
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

        var (width, height) = ImageHeader.ReadSize(bytes);
        return new ExecutionImage(bytes, mediaType, width, height);
    }
}
