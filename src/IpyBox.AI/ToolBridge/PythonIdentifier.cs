using System.Collections.Frozen;
using System.Text;

namespace IpyBox.AI;

/// <summary>
/// Turns untrusted names (tool names, parameter names, set names) into Python identifiers: ASCII letters, digits and
/// underscores only, never a keyword (at module level also never a builtin or a name the generated module exports), never starting with a
/// digit or an underscore (names starting with <c>_</c> belong to the generated code), at most
/// <see cref="MaxLength"/> characters. Collisions get <c>_2</c>, <c>_3</c>, ... in the order the names were given.
/// </summary>
/// <remarks>
/// Python reads identifiers in their NFKC form (<c>\ufb01nd</c>, with the "fi" ligature, and fullwidth <c>\uff46ind</c> are both
/// <c>find</c> to its parser), so a name is NFKC-normalised before it is reduced to ASCII: names that Python would take for one
/// name give one identifier here, and collisions are then resolved with suffixes. An ASCII identifier is its own NFKC form,
/// so identifiers that differ here also differ to Python.
/// </remarks>
internal static class PythonIdentifier
{
    /// <summary>The longest identifier emitted, suffixes included.</summary>
    public const int MaxLength = 64;

    private static readonly FrozenSet<string> s_keywords = FrozenSet.Create(
        StringComparer.Ordinal,
        [
            // Keywords and soft keywords.
            "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
            "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
            "pass", "raise", "return", "try", "while", "with", "yield", "case", "match",
        ]);

    private static readonly FrozenSet<string> s_moduleNames = FrozenSet.Create(
        StringComparer.Ordinal,
        [
            // Builtins: a module-level function must not shadow the names its annotations and callers rely on.
            "abs", "aiter", "all", "anext", "any", "ascii", "bin", "bool", "breakpoint", "bytearray", "bytes", "callable", "chr",
            "classmethod", "compile", "complex", "copyright", "credits", "delattr", "dict", "dir", "divmod", "enumerate", "eval",
            "exec", "exit", "filter", "float", "format", "frozenset", "getattr", "globals", "hasattr", "hash", "help", "hex", "id",
            "input", "int", "isinstance", "issubclass", "iter", "len", "license", "list", "locals", "map", "max", "memoryview",
            "min", "next", "object", "oct", "open", "ord", "pow", "print", "property", "quit", "range", "repr", "reversed",
            "round", "set", "setattr", "slice", "sorted", "staticmethod", "str", "sum", "super", "tuple", "type", "vars", "zip",
            "Ellipsis", "NotImplemented", "Exception", "BaseException",
            // Names every generated package exports.
            "ToolError", "ToolRejectedError", "ToolBridgeError", "ToolImage",
        ]);

    /// <summary>Returns a Python identifier for <paramref name="name"/>, or <paramref name="fallback"/> when nothing usable is left.</summary>
    /// <param name="name">The untrusted name.</param>
    /// <param name="fallback">A safe identifier used for empty names and as the prefix of names that start with a digit.</param>
    /// <param name="scope">Where the name is defined: a module-level name also avoids builtins and the names the module exports.</param>
    public static string Sanitize(string? name, string fallback, PythonNameScope scope = PythonNameScope.Module)
    {
        var builder = new StringBuilder(Math.Min(name?.Length ?? 0, MaxLength));
        foreach (var c in Normalized(name))
        {
            var keep = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');
            if (keep)
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '_')
            {
                builder.Append('_');
            }

            if (builder.Length >= MaxLength - 8)
            {
                break;
            }
        }

        var identifier = builder.ToString().TrimEnd('_');
        if (identifier.Length == 0)
        {
            return fallback;
        }

        if (char.IsAsciiDigit(identifier[0]))
        {
            identifier = $"{fallback}_{identifier}";
        }

        var reserved = s_keywords.Contains(identifier) || (scope == PythonNameScope.Module && s_moduleNames.Contains(identifier));
        return reserved ? identifier + "_" : identifier;
    }

    private static string Normalized(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return string.Empty;
        }

        try
        {
            return name.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            // Lone surrogates have no normal form; they are dropped below like every other non-ASCII character.
            return name;
        }
    }

    /// <summary>Sanitizes <paramref name="names"/> in order and makes them distinct from each other and from <paramref name="taken"/>.</summary>
    /// <param name="names">The untrusted names.</param>
    /// <param name="fallback">The fallback of <see cref="Sanitize"/>.</param>
    /// <param name="scope">Where the names are defined.</param>
    /// <param name="taken">Identifiers already in use; the results are added to it.</param>
    /// <returns>One identifier per name, in the same order.</returns>
    public static IReadOnlyList<string> Distinct(IEnumerable<string?> names, string fallback, PythonNameScope scope = PythonNameScope.Module, ISet<string>? taken = null)
    {
        taken ??= new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var name in names)
        {
            var identifier = Sanitize(name, fallback, scope);
            var candidate = identifier;
            for (var n = 2; !taken.Add(candidate); n++)
            {
                candidate = $"{identifier}_{n}";
            }

            result.Add(candidate);
        }

        return result;
    }
}
