namespace IpyBox.AI;

/// <summary>How the host reaches an MCP server.</summary>
public enum McpServerTransportKind
{
    /// <summary>A process started on the host that speaks MCP over its standard input and output.</summary>
    Stdio,

    /// <summary>A server reached by URL over streamable HTTP; a server that only offers the older SSE transport is detected and used that way.</summary>
    Http,

    /// <summary>A server reached by URL over the older HTTP with server-sent events (SSE) transport.</summary>
    Sse,
}
