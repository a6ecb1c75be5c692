using System.Globalization;
using System.Text.RegularExpressions;

namespace IpyBox.AI;

/// <summary>A skill as an entry of the tool index: found by its name, description and the parameters of its function.</summary>
internal static partial class SkillDocument
{
    public static ToolSearchDocument Of(Skill skill)
    {
        // The signature is read from the code's text (never run on the host) and shown on one line only.
        var match = Function(skill.Name).Match(skill.Code);
        var signature = match.Success ? ToolSearchText.Summary($"{skill.Name}({match.Groups["params"].Value})") : skill.Name;
        var definition = string.Create(CultureInfo.InvariantCulture,
            $"# A skill saved in this scope (version {skill.Version}); it runs in the sandbox.\nimport {skill.Module}\n{PythonLiteral.String(skill.Description)}\n\n{skill.Code}");
        return new ToolSearchDocument(skill.Module + "." + skill.Name, signature, skill.Description, match.Groups["params"].Value, definition);
    }

    private static Regex Function(string name) =>
        new($@"^def\s+{Regex.Escape(name)}\s*\((?<params>[^)\n]{{0,400}})\)", RegexOptions.Multiline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
