using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace IpyBox.AI.Cli.Mcp;

/// <summary>
/// The tool of <c>ipybox mcp --skills-dir</c> that keeps working code as a skill: stored in the skills folder on this host and
/// importable as <c>skills.&lt;name&gt;</c> in this sandbox and in the sandbox of every later server started on the same folder.
/// A thin adapter over <see cref="SandboxTools.SaveSkillAsync"/>.
/// </summary>
[McpServerToolType]
internal sealed class McpSkillTools(SandboxTools tools)
{
    [McpServerTool(Name = "save_skill", Destructive = false, Idempotent = false)]
    [Description("""
        Save Python code that worked as a reusable skill: a module importable as `skills.<name>` in code run with
        `execute_ipython_cell`, now and in every later session that uses the same skills folder. Give a function named like the
        skill and a description of what it does and how to call it. The code is compiled, not run; saving a name again adds a
        new version. Skills are found with `search_tools`.
        """)]
    public async Task<CallToolResult> SaveSkillAsync(
        [Description("A lower-case Python identifier, e.g. 'rain_total'.")] string name,
        [Description("What the skill does, its parameters and its result.")] string description,
        [Description("The Python source, e.g. a function named like the skill.")] string code,
        CancellationToken cancellationToken = default) =>
        McpTools.ToCallToolResult(await tools.SaveSkillAsync(McpServerHost.ConversationKey, name, description, code, cancellationToken));
}
