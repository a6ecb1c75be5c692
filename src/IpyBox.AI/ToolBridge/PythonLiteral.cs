using System.Globalization;
using System.Text;
using System.Text.Json;

namespace IpyBox.AI;

/// <summary>
/// Emits Python literals from untrusted values. Strings become one plain double-quoted literal of printable ASCII: quotes,
/// backslashes, line breaks and every other character are escaped, so no text can end the literal or reach the parser as
/// code. JSON values become <c>None</c>, <c>True</c>, <c>False</c>, numbers, strings, lists and dicts, nothing else.
/// A JSON value has no literal when Python could not read it back as the same value: nested deeper than <see cref="MaxDepth"/>,
/// a number too large for a float (<c>1e309</c>: a literal <c>inf</c> could not be sent back as JSON), or an integer of more
/// than <see cref="MaxIntegerDigits"/> digits (Python refuses to compile it).
/// </summary>
internal static class PythonLiteral
{
    /// <summary>The deepest JSON nesting emitted as a literal; deeper values are refused.</summary>
    public const int MaxDepth = 32;

    /// <summary>The most digits of an integer literal: Python's default limit for converting between <c>int</c> and text.</summary>
    public const int MaxIntegerDigits = 4300;

    /// <summary>Returns <paramref name="text"/> as a Python string literal, e.g. <c>"a\"b\n"</c>.</summary>
    public static string String(string text)
    {
        var builder = new StringBuilder(text.Length + 2);
        AppendString(builder, text);
        return builder.ToString();
    }

    /// <summary>Returns <paramref name="value"/> as a Python literal, or <see langword="null"/> when it has no literal form (too deep, not finite, too many digits).</summary>
    public static string? Json(JsonElement value)
    {
        var builder = new StringBuilder();
        return TryAppendJson(builder, value, 0) ? builder.ToString() : null;
    }

    private static void AppendString(StringBuilder builder, string text)
    {
        builder.Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '"': builder.Append("\\\""); break;
                case '\n': builder.Append(@"\n"); break;
                case '\r': builder.Append(@"\r"); break;
                case '\t': builder.Append(@"\t"); break;
                case >= ' ' and <= '~': builder.Append(c); break;
                case <= '\u00ff': builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        builder.Append(CultureInfo.InvariantCulture, $"\\U{char.ConvertToUtf32(c, text[i + 1]):x8}");
                        i++;
                    }
                    else
                    {
                        // Lone surrogates are valid in a Python str; keep them as escapes.
                        builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    private static bool TryAppendJson(StringBuilder builder, JsonElement value, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                builder.Append("None");
                return true;
            case JsonValueKind.True:
                builder.Append("True");
                return true;
            case JsonValueKind.False:
                builder.Append("False");
                return true;
            case JsonValueKind.String:
                AppendString(builder, value.GetString()!);
                return true;
            case JsonValueKind.Number:
                return TryAppendNumber(builder, value);
            case JsonValueKind.Array:
                builder.Append('[');
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    builder.Append(first ? string.Empty : ", ");
                    first = false;
                    if (!TryAppendJson(builder, item, depth + 1))
                    {
                        return false;
                    }
                }

                builder.Append(']');
                return true;
            case JsonValueKind.Object:
                builder.Append('{');
                var firstProperty = true;
                foreach (var property in value.EnumerateObject())
                {
                    builder.Append(firstProperty ? string.Empty : ", ");
                    firstProperty = false;
                    AppendString(builder, property.Name);
                    builder.Append(": ");
                    if (!TryAppendJson(builder, property.Value, depth + 1))
                    {
                        return false;
                    }
                }

                builder.Append('}');
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Emits a number from its value, never from its raw text: an integer exactly, else a finite float in round-trip form.
    /// Refuses integers Python cannot read and numbers beyond a float's range.
    /// </summary>
    private static bool TryAppendNumber(StringBuilder builder, JsonElement value)
    {
        if (value.TryGetInt64(out var integer))
        {
            builder.Append(integer.ToString(CultureInfo.InvariantCulture));
            return true;
        }

        var raw = value.GetRawText();
        var digits = raw.StartsWith('-') ? raw.Length - 1 : raw.Length;
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
        {
            if (digits > MaxIntegerDigits
                || !System.Numerics.BigInteger.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big))
            {
                return false;
            }

            builder.Append(big.ToString(CultureInfo.InvariantCulture));
            return true;
        }

        if (!value.TryGetDouble(out var real) || !double.IsFinite(real))
        {
            return false;
        }

        var text = real.ToString("R", CultureInfo.InvariantCulture);
        builder.Append(text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0");
        return true;
    }
}
