using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace IpyBox.AI.Cli.Mcp;

/// <summary>
/// The tools of <c>ipybox mcp --mcp-config</c> that tell the client which tool packages code in the sandbox can import
/// (one per configured MCP server) and show their source. Thin adapters over <see cref="SandboxTools"/>.
/// </summary>
[McpServerToolType]
internal sealed class McpToolDiscoveryTools(SandboxTools tools)
{
    [McpServerTool(Name = "list_sandbox_tools", ReadOnly = true, Idempotent = true)]
    [Description("""
        List the tool packages that code run with `execute_ipython_cell` can import, with the signature of every function.
        Each package holds the tools of one MCP server this server was configured with; each function calls that tool and
        returns its result, so code can call tools in loops and combine their results before returning only what matters.
        """)]
    public async Task<CallToolResult> ListSandboxToolsAsync(CancellationToken cancellationToken = default) =>
        McpTools.ToCallToolResult(await tools.ListToolModulesAsync(McpServerHost.ConversationKey, cancellationToken));

    [McpServerTool(Name = "get_tool_source", ReadOnly = true, Idempotent = true)]
    [Description("Return generated Python source: of one tool (its module, e.g. 'mcptools.weather.forecast': the function with its parameters, types, defaults and docstring) or of a package listed by `list_sandbox_tools` (its index: every tool with a one-line summary).")]
    public async Task<CallToolResult> GetToolSourceAsync(
        [Description("A tool's module, e.g. 'mcptools.weather.forecast', or a package's, e.g. 'mcptools.weather'.")] string module,
        CancellationToken cancellationToken = default) =>
        McpTools.ToCallToolResult(await tools.GetToolSourceAsync(McpServerHost.ConversationKey, module, cancellationToken));

    [McpServerTool(Name = "search_tools", ReadOnly = true, Idempotent = true)]
    [Description("""
        Search the tools that code run with `execute_ipython_cell` can call (the tools of every configured MCP server) by name,
        description and parameters. Returns the best matches as importable Python signatures with a one-line summary; read one
        with `describe_tool`, then call it from code with keyword arguments.
        """)]
    public async Task<CallToolResult> SearchToolsAsync(
        [Description("Words of what the tool should do, its name or its parameters.")] string query,
        [Description("The most results, 1 to 50.")] int limit = 10,
        CancellationToken cancellationToken = default) =>
        McpTools.ToCallToolResult(await tools.SearchToolsAsync(McpServerHost.ConversationKey, query, limit, cancellationToken));

    [McpServerTool(Name = "describe_tool", ReadOnly = true, Idempotent = true)]
    [Description("Return the import line, Python signature and docstring of a tool found by `search_tools`.")]
    public async Task<CallToolResult> DescribeToolAsync(
        [Description("The tool's name as `search_tools` gives it, e.g. 'mcptools.weather.reading'.")] string name,
        CancellationToken cancellationToken = default) =>
        McpTools.ToCallToolResult(await tools.DescribeToolAsync(McpServerHost.ConversationKey, name, cancellationToken));

    [McpServerTool(Name = "get_module_source", ReadOnly = true)]
    [Description("Return the Python source of any module the sandbox's kernel can import (an installed library or a .py file in /app). The kernel imports the module.")]
    public async Task<CallToolResult> GetModuleSourceAsync(
        [Description("A dotted module name, e.g. 'json.decoder'.")] string module,
        CancellationToken cancellationToken = default) =>
        McpTools.ToCallToolResult(await tools.GetModuleSourceAsync(McpServerHost.ConversationKey, module, cancellationToken));
}
