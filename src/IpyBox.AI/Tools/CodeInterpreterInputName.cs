using System.Globalization;
using Microsoft.Extensions.AI;

namespace IpyBox.AI;

/// <summary>
/// The file name under which an input of the code interpreter is stored in the sandbox: its own name reduced to one safe
/// path segment (a name from elsewhere may be hostile), or <c>input-N</c> with an extension from its media type.
/// </summary>
internal static class CodeInterpreterInputName
{
    /// <summary>Returns the file name of the input number <paramref name="number"/>.</summary>
    public static string Of(DataContent file, int number)
    {
        var name = Path.GetFileName((file.Name ?? string.Empty).Replace('\\', '/'));
        var safe = new string([.. name.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]).Trim('.');
        if (safe.Length > 0 && safe.Length <= 120)
        {
            return safe;
        }

        var extension = file.MediaType switch
        {
            "text/csv" => ".csv",
            "application/json" => ".json",
            "text/plain" => ".txt",
            "image/png" => ".png",
            "image/jpeg" => ".jpg",
            _ => string.Empty,
        };
        return string.Create(CultureInfo.InvariantCulture, $"input-{number}{extension}");
    }
}
