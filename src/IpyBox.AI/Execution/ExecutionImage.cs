namespace IpyBox.AI;

/// <summary>An image produced by an execution, e.g. a matplotlib figure.</summary>
/// <param name="Data">The encoded image bytes.</param>
/// <param name="MediaType">The media type, e.g. <c>image/png</c> or <c>image/jpeg</c>.</param>
/// <param name="Width">The width in pixels, or 0 when the header could not be read.</param>
/// <param name="Height">The height in pixels, or 0 when the header could not be read.</param>
public sealed record ExecutionImage(ReadOnlyMemory<byte> Data, string MediaType, int Width, int Height)
{
    /// <summary>Gets the usual file extension for <see cref="MediaType"/>, with the dot.</summary>
    public string FileExtension => MediaType switch
    {
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "image/webp" => ".webp",
        _ => ".bin",
    };

    /// <summary>Writes the image bytes to a file.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        await File.WriteAllBytesAsync(path, Data, cancellationToken).ConfigureAwait(false);
    }
}
