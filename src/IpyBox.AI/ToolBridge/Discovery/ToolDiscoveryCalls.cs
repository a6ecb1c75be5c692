using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpyBox.AI;

/// <summary>
/// Answers the discovery calls of sandbox code (<c>mcptools.search_tools</c> and <c>mcptools.describe_tool</c>) on the host,
/// from the sandbox's tool index. They travel over the bridge like tool calls, addressed to <see cref="SetName"/>, which no
/// tool set can have (a package name is a Python identifier). They read only what is registered on that sandbox, run no
/// tool and need no approval.
/// </summary>
internal static class ToolDiscoveryCalls
{
    /// <summary>The set name the runtime sends discovery calls to.</summary>
    public const string SetName = "-discovery";

    /// <summary>The longest query read, in characters.</summary>
    private const int MaxQueryLength = 4096;

    public static JsonObject Answer(ToolBridgeCall call, ToolSearchIndex index) => call.ToolName switch
    {
        "search_tools" => Search(call, index),
        "describe_tool" => Describe(call, index),
        _ => ToolBridgeCallReading.Failure(call.Id, "bridge", $"There is no discovery function '{call.ToolName}'."),
    };

    private static JsonObject Search(ToolBridgeCall call, ToolSearchIndex index)
    {
        if (!call.TryGetString("query", out var query) || query.Length > MaxQueryLength)
        {
            return ToolBridgeCallReading.Failure(call.Id, "tool", $"search_tools needs a query: a string of at most {MaxQueryLength} characters.");
        }

        var limit = 10;
        if (call.Arguments.TryGetProperty("limit", out var l) && l.ValueKind != JsonValueKind.Null && (!l.TryGetInt32(out limit) || limit < 1 || limit > ToolSearchText.MaxLimit))
        {
            return ToolBridgeCallReading.Failure(call.Id, "tool", $"search_tools' limit must be an integer from 1 to {ToolSearchText.MaxLimit}.");
        }

        var results = new JsonArray();
        foreach (var hit in index.Search(query, limit))
        {
            results.Add(new JsonObject
            {
                ["name"] = hit.Document.QualifiedName,
                ["signature"] = hit.Document.Signature,
                ["summary"] = ToolSearchText.Summary(hit.Document.Description),
                ["score"] = Math.Round(hit.Score, 3),
            });
        }

        return new JsonObject { ["id"] = call.Id, ["value"] = new JsonObject { ["json"] = results } };
    }

    private static JsonObject Describe(ToolBridgeCall call, ToolSearchIndex index)
    {
        if (!call.TryGetString("name", out var name) || name.Length > MaxQueryLength)
        {
            return ToolBridgeCallReading.Failure(call.Id, "tool", "describe_tool needs the name of a tool as search_tools returned it, e.g. 'mcptools.weather.reading'.");
        }

        return index.Find(name) is { } document
            ? new JsonObject { ["id"] = call.Id, ["value"] = new JsonObject { ["text"] = ToolSearchText.Describe(document) } }
            : ToolBridgeCallReading.Failure(call.Id, "tool", "No tool of that name is registered in this sandbox; search_tools gives the names.");
    }
}
