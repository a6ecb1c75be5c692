using System.Globalization;
using System.Text;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace IpyBox.AI;

/// <summary>
/// Checks a model's tool arguments against the function's JSON schema before anything runs, so that a missing argument,
/// an unknown one or a value of the wrong type comes back as a message naming the schema's parameter and saying what to
/// send, instead of a framework's generic failure. Integers sent as numeric strings are accepted and converted.
/// </summary>
internal static class ToolArguments
{
    /// <summary>Checks and normalises <paramref name="arguments"/> in place; returns the message for the model, or <see langword="null"/> when they fit.</summary>
    public static string? Check(string function, JsonElement schema, IDictionary<string, object?> arguments)
    {
        var properties = schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var required = schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(e => e.GetString()).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        List<string> problems = [];
        foreach (var name in required.Where(n => !arguments.TryGetValue(n, out var v) || v is null || v is JsonElement { ValueKind: JsonValueKind.Null }))
        {
            problems.Add($"the required argument \"{name}\" is missing");
        }

        foreach (var (name, value) in arguments.ToList())
        {
            if (properties.ValueKind != JsonValueKind.Object || !properties.TryGetProperty(name, out var property))
            {
                problems.Add($"there is no argument \"{name}\"");
                continue;
            }

            var types = TypesOf(property);
            if (types.Count == 0 || IsNull(value))
            {
                continue;
            }

            if (Fit(value, types) is { } fitted)
            {
                arguments[name] = fitted.Value;
            }
            else
            {
                problems.Add($"\"{name}\" must be {string.Join(" or ", types.Where(t => t != "null"))}, not {Describe(value)}");
            }
        }

        return problems.Count == 0 ? null : $"Error: {function} did not run: {string.Join("; ", problems)}. Call it again with {Usage(properties, required)}.";
    }

    /// <summary>Describes the arguments the schema takes, e.g. <c>{"code": string (required), "timeoutSeconds": integer}</c>.</summary>
    public static string Usage(JsonElement schema) =>
        Usage(
            schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default,
            schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
                ? r.EnumerateArray().Select(e => e.GetString()).OfType<string>().ToHashSet(StringComparer.Ordinal)
                : []);

    private static string Usage(JsonElement properties, HashSet<string> required)
    {
        if (properties.ValueKind != JsonValueKind.Object)
        {
            return "no arguments";
        }

        var text = new StringBuilder("{");
        foreach (var property in properties.EnumerateObject())
        {
            text.Append(text.Length > 1 ? ", " : string.Empty)
                .Append('"').Append(property.Name).Append("\": ")
                .Append(string.Join(" or ", TypesOf(property.Value).Where(t => t != "null").DefaultIfEmpty("any value")))
                .Append(required.Contains(property.Name) ? " (required)" : " (optional)");
        }

        return properties.EnumerateObject().Any() ? text.Append('}').ToString() : "no arguments";
    }

    private static List<string> TypesOf(JsonElement property) =>
        !property.TryGetProperty("type", out var type) ? []
        : type.ValueKind == JsonValueKind.String ? [type.GetString()!]
        : type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString()).OfType<string>()]
        : [];

    private static bool IsNull(object? value) => value is null or JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined };

    /// <summary>Returns the value to pass on when it fits one of the types, or <see langword="null"/> when it does not.</summary>
    private static StrongBox<object?>? Fit(object? value, List<string> types)
    {
        foreach (var type in types)
        {
            switch (type)
            {
                case "string" when value is string or char or JsonElement { ValueKind: JsonValueKind.String }:
                case "boolean" when value is bool or JsonElement { ValueKind: JsonValueKind.True or JsonValueKind.False }:
                case "array" when value is JsonElement { ValueKind: JsonValueKind.Array } or System.Collections.IEnumerable and not string:
                case "object" when value is JsonElement { ValueKind: JsonValueKind.Object } or System.Collections.IDictionary:
                    return new(value);
                case "integer" when AsInteger(value) is { } integer:
                    return new(value is string ? integer : value);
                case "number" when AsNumber(value) is { } number:
                    return new(value is string ? number : value);
            }
        }

        return null;
    }

    private static long? AsInteger(object? value) => value switch
    {
        sbyte or byte or short or ushort or int or uint or long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        double d when Math.Floor(d) == d && Math.Abs(d) < long.MaxValue => (long)d,
        JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out var l) => l,
        JsonElement { ValueKind: JsonValueKind.String } e when long.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
        _ => null,
    };

    private static double? AsNumber(object? value) => value switch
    {
        sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private static string Describe(object? value) => value switch
    {
        JsonElement { ValueKind: JsonValueKind.String } e => $"the string {JsonSerializer.Serialize(e.GetString())}",
        JsonElement e => $"{e.ValueKind.ToString().ToLowerInvariant()} {Clip(e.GetRawText())}",
        string s => $"the string {JsonSerializer.Serialize(s)}",
        bool b => b ? "true" : "false",
        _ => Clip(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty),
    };

    private static string Clip(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "...");
}
