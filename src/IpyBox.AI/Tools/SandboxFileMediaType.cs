namespace IpyBox.AI;

/// <summary>The media type of a sandbox file, guessed from its extension for the common data and document formats.</summary>
internal static class SandboxFileMediaType
{
    private static readonly Dictionary<string, string> s_byExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".csv"] = "text/csv",
        [".txt"] = "text/plain",
        [".md"] = "text/markdown",
        [".json"] = "application/json",
        [".html"] = "text/html",
        [".py"] = "text/x-python",
        [".ipynb"] = "application/x-ipynb+json",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".svg"] = "image/svg+xml",
        [".pdf"] = "application/pdf",
        [".zip"] = "application/zip",
        [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        [".parquet"] = "application/vnd.apache.parquet",
    };

    /// <summary>Returns the media type of a file name, or <see langword="null"/> when the extension is not one of the known ones.</summary>
    public static string? Of(string fileName) =>
        s_byExtension.TryGetValue(Path.GetExtension(fileName), out var mediaType) ? mediaType : null;
}
