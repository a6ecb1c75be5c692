using IpyBox.AI.Cli.Terminal;

namespace IpyBox.AI.Cli.Commands;

/// <summary>Sandbox ids as the commands take them, and the one-line error for one that names no sandbox.</summary>
internal static class SandboxIds
{
    /// <summary>How many hex digits of an id the commands show, and the fewest they take.</summary>
    public const int ShortLength = 12;

    /// <summary>Returns the id as the directory takes it: trimmed, lowercase (ids are hex).</summary>
    public static string Normalize(string id) => id.Trim().ToLowerInvariant();

    /// <summary>Returns the first <see cref="ShortLength"/> digits of <paramref name="id"/>.</summary>
    public static string Short(string id) => id[..Math.Min(ShortLength, id.Length)];

    /// <summary>Writes on stderr that <paramref name="id"/> names no sandbox, and returns <see cref="ExitCodes.NotFound"/>.</summary>
    public static int ReportNotFound(string id)
    {
        var shown = Printable(id);
        Console.Error.WriteLine(IsWellFormed(Normalize(id))
            ? $"error: no sandbox has the id {shown} (it was removed, or its lease expired); 'ipybox ls' lists the sandboxes."
            : $"error: '{shown}' is not a sandbox id: give the id 'ipybox ls' shows, or at least its first {ShortLength} hex digits.");
        return ExitCodes.NotFound;
    }

    private static bool IsWellFormed(string id) => id.Length is >= ShortLength and <= 64 && id.All(char.IsAsciiHexDigit);

    /// <summary>An id echoed back: at most 80 characters, escape sequences shown instead of executed, so a pasted mistake cannot act on the terminal.</summary>
    private static string Printable(string id)
    {
        var filter = new TerminalTextFilter();
        return filter.Filter(id.Length > 80 ? id[..80] : id) + filter.Flush();
    }
}
