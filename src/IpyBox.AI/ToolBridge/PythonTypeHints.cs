using System.Text;
using System.Text.Json;

namespace IpyBox.AI;

/// <summary>
/// Turns JSON schemas (untrusted) into Python annotations: <c>str</c>, <c>int</c>, <c>float</c>, <c>bool</c>, <c>None</c>,
/// <c>list[...]</c>, <c>dict[str, ...]</c>, <c>_t.Literal[...]</c> for enums and constants, unions for <c>anyOf</c>,
/// <c>oneOf</c> and type lists, and a <c>TypedDict</c> for an object with properties. Whatever it does not understand
/// is <c>_t.Any</c>. Enum values and property names are emitted only through <see cref="PythonLiteral"/>.
/// </summary>
internal sealed class PythonTypeHints(string namePrefix)
{
    private const string Any = "_t.Any";
    private const int MaxDepth = 6;
    private const int MaxLiteralValues = 256;
    private readonly StringBuilder _definitions = new();
    private int _count;

    /// <summary>Gets the <c>TypedDict</c> definitions the hints refer to; emit them before the functions.</summary>
    public string Definitions => _definitions.ToString();

    /// <summary>Returns the annotation for <paramref name="schema"/>.</summary>
    public string For(JsonElement schema) => For(schema, 0);

    private static string Union(IEnumerable<string> members)
    {
        var distinct = members.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Contains(Any) || distinct.Count == 0 ? Any : string.Join(" | ", distinct);
    }

    private static bool TryLiteral(JsonElement value, out string literal)
    {
        literal = value.ValueKind switch
        {
            JsonValueKind.String => PythonLiteral.String(value.GetString()!),
            JsonValueKind.True => "True",
            JsonValueKind.False => "False",
            JsonValueKind.Null => "None",
            JsonValueKind.Number when value.TryGetInt64(out var integer) => integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => string.Empty,
        };
        return literal.Length > 0;
    }

    private string For(JsonElement schema, int depth)
    {
        if (schema.ValueKind != JsonValueKind.Object || depth > MaxDepth)
        {
            return Any;
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
        {
            return LiteralOf([.. values.EnumerateArray()]);
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            return LiteralOf([constant]);
        }

        foreach (var keyword in (string[])["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(keyword, out var alternatives) && alternatives.ValueKind == JsonValueKind.Array)
            {
                return Union(alternatives.EnumerateArray().Select(alternative => For(alternative, depth + 1)));
            }
        }

        if (!schema.TryGetProperty("type", out var type))
        {
            return Any;
        }

        return type.ValueKind switch
        {
            JsonValueKind.String => ForType(type.GetString()!, schema, depth),
            JsonValueKind.Array => Union(type.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String ? ForType(t.GetString()!, schema, depth) : Any)),
            _ => Any,
        };
    }

    private static string LiteralOf(IReadOnlyList<JsonElement> values)
    {
        if (values.Count is 0 or > MaxLiteralValues)
        {
            return Any;
        }

        var literals = new List<string>();
        foreach (var value in values)
        {
            if (!TryLiteral(value, out var literal))
            {
                return Any;
            }

            literals.Add(literal);
        }

        return $"_t.Literal[{string.Join(", ", literals.Distinct(StringComparer.Ordinal))}]";
    }

    private string ForType(string type, JsonElement schema, int depth) => type switch
    {
        "string" => "str",
        "integer" => "int",
        "number" => "float",
        "boolean" => "bool",
        "null" => "None",
        "array" => schema.TryGetProperty("items", out var items) ? $"list[{For(items, depth + 1)}]" : "list[_t.Any]",
        "object" => ForObject(schema, depth),
        _ => Any,
    };

    private string ForObject(JsonElement schema, int depth)
    {
        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object && properties.EnumerateObject().Any())
        {
            var required = RequiredNames(schema);
            var fields = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in properties.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    continue;
                }

                var hint = For(property.Value, depth + 1);
                fields.Add($"{PythonLiteral.String(property.Name)}: {(required.Contains(property.Name) ? $"_t.Required[{hint}]" : hint)}");
            }

            var name = $"_{namePrefix}{++_count}";
            _definitions.Append(name).Append(" = _t.TypedDict(").Append(PythonLiteral.String(name)).Append(", {")
                .AppendJoin(", ", fields).Append("}, total=False)\n");
            return name;
        }

        if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.Object)
        {
            return $"dict[str, {For(additional, depth + 1)}]";
        }

        return "dict[str, _t.Any]";
    }

    /// <summary>Gets the names in a schema's <c>required</c> list.</summary>
    public static HashSet<string> RequiredNames(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array
            ? [.. required.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!)]
            : [];
}
