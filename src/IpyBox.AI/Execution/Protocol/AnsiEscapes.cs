using System.Text.RegularExpressions;

namespace IpyBox.AI;

/// <summary>Removes ANSI escape sequences (colours, cursor moves) from kernel text.</summary>
internal static partial class AnsiEscapes
{
    public static string Strip(string text) => Pattern().Replace(text, string.Empty);

    [GeneratedRegex(@"\x1B(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1B]*(?:\x07|\x1B\\)|[@-Z\\-_])")]
    private static partial Regex Pattern();
}
