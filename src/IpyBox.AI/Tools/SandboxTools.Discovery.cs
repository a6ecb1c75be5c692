namespace IpyBox.AI;

/// <summary>The discovery tools: search the sandbox's tools by what they do and read one's definition.</summary>
public sealed partial class SandboxTools
{
    /// <summary>
    /// Searches the tools registered in the conversation's sandbox (every MCP server and host tool set) by name, description and
    /// parameters, ranked by BM25 on the host; the kernel runs nothing.
    /// </summary>
    /// <param name="conversationKey">The conversation; <see langword="null"/> gives an error result that says how to supply one.</param>
    /// <param name="query">Words of what the tool should do, its name or its parameters.</param>
    /// <param name="limit">The most results, 1 to 50.</param>
    /// <param name="cancellationToken">Cancels waiting for the sandbox.</param>
    /// <returns>One line per tool found, best first: the qualified call signature and a one-line summary as a comment.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SandboxToolResult> SearchToolsAsync(string? conversationKey, string query, int limit = 10, CancellationToken cancellationToken = default) =>
        InvokeAsync(
            "search_tools",
            conversationKey,
            (session, _) =>
            {
                if (string.IsNullOrWhiteSpace(query))
                {
                    return Task.FromResult(SandboxToolResult.Error("Error: search_tools needs a query, e.g. words of what the tool should do."));
                }

                if (limit is < 1 or > ToolSearchText.MaxLimit)
                {
                    return Task.FromResult(SandboxToolResult.Error($"Error: the limit must be from 1 to {ToolSearchText.MaxLimit}."));
                }

                var index = IndexOf(session);
                return Task.FromResult(SandboxToolResult.Success(Fit(ToolSearchText.Format(index.Search(query, limit), index.Documents.Count))));
            },
            cancellationToken);

    /// <summary>Returns the definition of one tool of the conversation's sandbox as the generated package has it: the import, the signature and the docstring.</summary>
    /// <param name="conversationKey">The conversation; <see langword="null"/> gives an error result that says how to supply one.</param>
    /// <param name="name">The tool's qualified name as <see cref="SearchToolsAsync"/> gives it (<c>mcptools.weather.reading</c>), or its function name when unique.</param>
    /// <param name="cancellationToken">Cancels waiting for the sandbox.</param>
    /// <returns>The definition; an error result when no tool has that name.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SandboxToolResult> DescribeToolAsync(string? conversationKey, string name, CancellationToken cancellationToken = default) =>
        InvokeAsync(
            "describe_tool",
            conversationKey,
            (session, _) => Task.FromResult(IndexOf(session).Find(name ?? string.Empty) is { } document
                ? SandboxToolResult.Success(Fit(ToolSearchText.Describe(document)))
                : SandboxToolResult.Error("Error: no tool of that name is registered in this sandbox; search_tools gives the names, e.g. 'mcptools.weather.reading'.")),
            cancellationToken);

    private static ToolSearchIndex IndexOf(SandboxSession session) =>
        session.Sandbox.GetService<ToolBridgeHost>()?.Index ?? new ToolSearchIndex([]);
}
