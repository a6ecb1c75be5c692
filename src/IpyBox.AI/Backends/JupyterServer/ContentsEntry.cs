using System.Globalization;
using System.Text.Json;

namespace IpyBox.AI;

/// <summary>A Contents API model without its content: what the server says about one file or directory.</summary>
/// <param name="Name">The entry's name.</param>
/// <param name="Path">The entry's API path, relative to the server's root.</param>
/// <param name="Type"><c>directory</c>, <c>file</c> or <c>notebook</c>.</param>
/// <param name="Size">The size the server reports (it takes it from <c>lstat</c>: for a symbolic link, the length of the link's target path); <see langword="null"/> for directories.</param>
/// <param name="Modified">The time of the last modification.</param>
internal sealed record ContentsEntry(string Name, string Path, string Type, long? Size, DateTimeOffset Modified)
{
    public bool IsDirectory => Type == "directory";

    /// <summary>Gets a value indicating whether the entry holds bytes: a file, or a notebook (a JSON file).</summary>
    public bool IsFile => Type is "file" or "notebook";

    /// <summary>Reads a model; the fields a server may leave out get neutral values.</summary>
    /// <exception cref="InvalidDataException">The model has no name, path or type.</exception>
    public static ContentsEntry Parse(JsonElement model)
    {
        if (model.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("The Jupyter server sent a contents model that is not a JSON object.");
        }

        var name = GetString(model, "name");
        var path = GetString(model, "path");
        var type = GetString(model, "type");
        if (name is null || path is null || type is null)
        {
            throw new InvalidDataException("The Jupyter server sent a contents model without a name, path or type.");
        }

        long? size = model.TryGetProperty("size", out var sizeElement) && sizeElement.ValueKind == JsonValueKind.Number && sizeElement.TryGetInt64(out var value)
            ? value
            : null;
        var modified = GetString(model, "last_modified") is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : DateTimeOffset.UnixEpoch;
        return new ContentsEntry(name, path, type, size, modified);
    }

    private static string? GetString(JsonElement model, string property) =>
        model.TryGetProperty(property, out var element) && element.ValueKind == JsonValueKind.String ? element.GetString() : null;
}
