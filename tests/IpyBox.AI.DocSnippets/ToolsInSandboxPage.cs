namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/tools-in-sandbox.md that the samples do not run.</summary>
internal static class ToolsInSandboxPage
{
    public static void McpServers()
    {
        // <mcp-servers>
        var files = McpServerDefinition.Stdio("files", "npx", "-y", "@modelcontextprotocol/server-filesystem", "/data");
        files.EnvironmentVariables["LOG_LEVEL"] = "warn";
        files.WorkingDirectory = "/srv";

        var token = Environment.GetEnvironmentVariable("SEARCH_TOKEN");
        var search = McpServerDefinition.Http("search", new Uri("https://search.example/mcp"));
        search.Headers["Authorization"] = $"Bearer {token}";

        var legacy = McpServerDefinition.Sse("legacy", new Uri("http://127.0.0.1:9000/sse"));
        // </mcp-servers>
    }
}
