using System.Globalization;
using System.Text.Json;

namespace IpyBox.AI.TestMcpServer;

/// <summary>One tool of a generated catalogue: its name, description and input schema (JSON text).</summary>
/// <param name="Name">The tool's name, unique in its catalogue.</param>
/// <param name="Description">A sentence of what it does.</param>
/// <param name="Schema">The JSON schema of its arguments.</param>
public sealed record GeneratedTool(string Name, string Description, string Schema);

/// <summary>
/// Deterministic catalogues of many plausible tools (verb × entity × qualifier, with typed parameters), for tests and the
/// benchmark that need hundreds of tools: the same domain and count always give the same tools. Every tool answers with its
/// name and arguments as JSON text.
/// </summary>
public static class GeneratedToolCatalog
{
    private static readonly string[] s_verbs = ["list", "get", "create", "update", "delete", "archive", "export", "count", "search", "summarize"];

    private static readonly string[] s_entities =
    [
        "invoice", "customer", "order", "shipment", "ticket", "contract", "payment", "refund", "warehouse", "supplier",
        "employee", "timesheet", "campaign", "lead", "subscription", "coupon", "review", "asset", "incident", "budget",
    ];

    private static readonly string[] s_qualifiers = ["", "draft", "overdue", "regional", "monthly"];

    /// <summary>Creates <paramref name="count"/> tools of <paramref name="domain"/> (e.g. "crm"); the domain word appears in each description.</summary>
    public static IReadOnlyList<GeneratedTool> Create(string domain, int count)
    {
        var tools = new List<GeneratedTool>(count);
        for (var i = 0; tools.Count < count; i++)
        {
            var verb = s_verbs[i % s_verbs.Length];
            var entity = s_entities[(i / s_verbs.Length) % s_entities.Length];
            var qualifier = s_qualifiers[(i / (s_verbs.Length * s_entities.Length)) % s_qualifiers.Length];
            var round = i / (s_verbs.Length * s_entities.Length * s_qualifiers.Length);
            var words = qualifier.Length == 0 ? $"{entity}" : $"{qualifier} {entity}";
            var name = $"{verb}_{words.Replace(' ', '_')}{(round == 0 ? string.Empty : round.ToString(CultureInfo.InvariantCulture))}";
            var plural = verb is "list" or "count" or "search" or "export" or "summarize";
            var description = string.Create(CultureInfo.InvariantCulture,
                $"{char.ToUpperInvariant(verb[0])}{verb[1..]}s {(plural ? "the " + words + "s" : "one " + words)} of the {domain} system. " +
                $"Use it when a task needs {words} records; results are JSON objects with the {entity}'s fields.");
            var schema = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["type"] = "object",
                ["properties"] = new Dictionary<string, object>
                {
                    [$"{entity}_id"] = new Dictionary<string, string> { ["type"] = "string", ["description"] = $"The id of the {entity}." },
                    ["limit"] = new Dictionary<string, object> { ["type"] = "integer", ["description"] = "The most records to return.", ["default"] = 20 },
                    ["region"] = new Dictionary<string, object> { ["type"] = "string", ["description"] = $"The region of the {domain} account.", ["enum"] = new[] { "emea", "amer", "apac" } },
                },
                ["required"] = new[] { $"{entity}_id" },
            });
            tools.Add(new GeneratedTool(name, description, schema));
        }

        return tools;
    }
}
