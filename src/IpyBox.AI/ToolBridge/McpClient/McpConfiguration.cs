using System.Text.Json;

namespace IpyBox.AI;

/// <summary>
/// Reads the <c>mcpServers</c> configuration format that MCP clients share:
/// <c>{"mcpServers": {"name": {"command": "...", "args": [...], "env": {...}, "cwd": "..."}, "other": {"url": "...", "headers": {...}, "type": "http"}}}</c>.
/// </summary>
/// <remarks>
/// A server with <c>command</c> is a stdio server; one with <c>url</c> is reached over streamable HTTP unless
/// <c>type</c> is <c>sse</c>. <c>type</c> may also be <c>stdio</c>, <c>http</c> or <c>streamable-http</c>. A server
/// with <c>"disabled": true</c> is skipped. Other properties are ignored; values are taken literally (no variable expansion).
/// Comments and trailing commas are allowed.
/// </remarks>
public static class McpConfiguration
{
    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 16,
    };

    /// <summary>Reads the servers of a configuration file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>The servers, in the order of the file.</returns>
    /// <exception cref="McpServerException">The file is not a valid configuration; the message names the problem.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<IReadOnlyList<McpServerDefinition>> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        Throw.IfNullOrWhiteSpace(path);
        var json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            return Parse(json);
        }
        catch (McpServerException ex)
        {
            throw new McpServerException($"{path}: {ex.Message}", ex.InnerException);
        }
    }

    /// <summary>Reads the servers of a configuration.</summary>
    /// <param name="json">The configuration text.</param>
    /// <returns>The servers, in the order of the text.</returns>
    /// <exception cref="McpServerException">The text is not a valid configuration; the message names the problem.</exception>
    public static IReadOnlyList<McpServerDefinition> Parse(string json)
    {
        Throw.IfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, s_documentOptions);
        }
        catch (JsonException ex)
        {
            throw new McpServerException($"The MCP configuration is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("mcpServers", out var servers)
                || servers.ValueKind != JsonValueKind.Object)
            {
                throw new McpServerException("The MCP configuration must be an object with an \"mcpServers\" object: {\"mcpServers\": {\"name\": {\"command\": \"...\"}}}.");
            }

            List<McpServerDefinition> result = [];
            foreach (var server in servers.EnumerateObject())
            {
                if (ReadServer(server.Name, server.Value) is { } definition)
                {
                    result.Add(definition);
                }
            }

            return result;
        }
    }

    private static McpServerDefinition? ReadServer(string name, JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(name, "must be an object with \"command\" or \"url\"");
        }

        if (entry.TryGetProperty("disabled", out var disabled) && disabled.ValueKind == JsonValueKind.True)
        {
            return null;
        }

        var command = OptionalString(name, entry, "command");
        var url = OptionalString(name, entry, "url");
        var transport = OptionalString(name, entry, "type")?.ToUpperInvariant() switch
        {
            null => command is not null ? McpServerTransportKind.Stdio : McpServerTransportKind.Http,
            "STDIO" => McpServerTransportKind.Stdio,
            "HTTP" or "STREAMABLE-HTTP" or "STREAMABLEHTTP" or "STREAMABLE_HTTP" => McpServerTransportKind.Http,
            "SSE" => McpServerTransportKind.Sse,
            _ => throw Invalid(name, "has an unknown \"type\"; use \"stdio\", \"http\" or \"sse\""),
        };

        var definition = new McpServerDefinition { Name = name, Transport = transport };
        if (transport == McpServerTransportKind.Stdio)
        {
            definition.Command = command ?? throw Invalid(name, "needs a \"command\" (or a \"url\" for an HTTP server)");
            definition.WorkingDirectory = OptionalString(name, entry, "cwd");
            foreach (var argument in StringArray(name, entry, "args"))
            {
                definition.Arguments.Add(argument);
            }

            foreach (var (key, value) in StringMap(name, entry, "env"))
            {
                definition.EnvironmentVariables[key] = value;
            }
        }
        else
        {
            if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                throw Invalid(name, "needs an absolute \"url\" such as \"http://127.0.0.1:8000/mcp\"");
            }

            definition.Url = uri;
            foreach (var (key, value) in StringMap(name, entry, "headers"))
            {
                definition.Headers[key] = value;
            }
        }

        try
        {
            definition.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new McpServerException($"The MCP configuration is invalid: {ex.Message}", ex);
        }

        return definition;
    }

    private static string? OptionalString(string server, JsonElement entry, string property)
    {
        if (!entry.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid(server, $"\"{property}\" must be a string");
    }

    private static IEnumerable<string> StringArray(string server, JsonElement entry, string property)
    {
        if (!entry.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            throw Invalid(server, $"\"{property}\" must be an array of strings");
        }

        return [.. value.EnumerateArray().Select(v => v.GetString()!)];
    }

    private static IEnumerable<KeyValuePair<string, string>> StringMap(string server, JsonElement entry, string property)
    {
        if (!entry.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Object || value.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
        {
            throw Invalid(server, $"\"{property}\" must be an object whose values are strings");
        }

        return [.. value.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!))];
    }

    private static McpServerException Invalid(string server, string problem) =>
        new($"The MCP configuration is invalid: server '{server}' {problem}.");
}
