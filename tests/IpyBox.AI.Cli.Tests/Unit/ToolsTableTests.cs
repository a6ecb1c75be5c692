using System.Reflection;
using IpyBox.AI.Cli.Mcp;
using Microsoft.SemanticKernel;
using ModelContextProtocol.Server;

namespace IpyBox.AI.Cli.Tests.Unit;

/// <summary>docs/tools.md names every tool of every surface with its parameters, so a new or renamed tool cannot miss it.</summary>
public sealed class ToolsTableTests
{
    private static readonly string s_page = File.ReadAllText(Repository.Combine("docs", "tools.md"));

    public static TheoryData<string, string, string> McpTools() => Tools(
        "MCP",
        [typeof(McpTools), typeof(McpToolDiscoveryTools)],
        method => method.GetCustomAttribute<McpServerToolAttribute>()?.Name);

    public static TheoryData<string, string, string> DotnetTools() => Tools(
        ".NET",
        [typeof(IpyBoxPlugin)],
        method => method.GetCustomAttribute<KernelFunctionAttribute>()?.Name);

    [Theory]
    [MemberData(nameof(McpTools))]
    [MemberData(nameof(DotnetTools))]
    public void The_table_names_the_tool_and_its_parameters(string surface, string tool, string parameters)
    {
        var row = s_page.Split('\n').FirstOrDefault(line => line.StartsWith('|') && line.Contains($"`{tool}`", StringComparison.Ordinal));
        Assert.True(row is not null, $"docs/tools.md has no table row for the {surface} tool `{tool}`.");
        foreach (var parameter in parameters.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.True(row.Contains($"`{parameter}`", StringComparison.Ordinal), $"The row of `{tool}` in docs/tools.md does not name the {surface} parameter `{parameter}`.");
        }
    }

    [Fact]
    public void The_readme_links_the_table() =>
        Assert.Contains("(docs/tools.md)", File.ReadAllText(Repository.Combine("README.md")), StringComparison.Ordinal);

    private static TheoryData<string, string, string> Tools(string surface, Type[] types, Func<MethodInfo, string?> nameOf)
    {
        var data = new TheoryData<string, string, string>();
        foreach (var method in types.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance)))
        {
            if (nameOf(method) is { } name)
            {
                // What a model fills in: the parameters other than the cancellation token and SK's kernel.
                var parameters = method.GetParameters()
                    .Where(p => p.ParameterType != typeof(CancellationToken) && p.ParameterType != typeof(Kernel))
                    .Select(p => p.Name);
                data.Add(surface, name, string.Join(',', parameters));
            }
        }

        return data;
    }
}
