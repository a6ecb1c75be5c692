using Microsoft.Extensions.AI;

namespace IpyBox.AI;

/// <summary>A tool set as registered on one sandbox: its generated package, its options and its tools by Python function name.</summary>
internal sealed class ToolBridgeSet
{
    public ToolBridgeSet(HostToolSet set, ToolPackage package, ToolBridgeOptions options)
    {
        Set = set;
        Package = package;
        Options = options;
        Tools = package.Functions.Select((function, index) => (function.FunctionName, Tool: set.Tools[index]))
            .ToDictionary(entry => entry.FunctionName, entry => entry.Tool, StringComparer.Ordinal);
    }

    public HostToolSet Set { get; }

    public ToolPackage Package { get; }

    public ToolBridgeOptions Options { get; }

    /// <summary>Gets the tools by the name of their generated function, which is what the kernel sends.</summary>
    public IReadOnlyDictionary<string, AIFunction> Tools { get; }

    /// <summary>Gets a value indicating whether a call of <paramref name="tool"/> must be put to the approval handler.</summary>
    public bool NeedsApproval(AIFunction tool) =>
        Options.ApprovalPolicy == HostToolApprovalPolicy.RequireApproval || tool.GetService<ApprovalRequiredAIFunction>() is not null;
}
