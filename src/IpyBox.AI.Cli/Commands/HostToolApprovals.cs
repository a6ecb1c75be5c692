namespace IpyBox.AI.Cli.Commands;

/// <summary>
/// The approval of calls from sandbox code to the host tools of <c>--mcp-config</c>, shared by <c>ipybox mcp</c> and
/// <c>ipybox serve</c>: whoever started the server chose the servers, so their calls run without asking unless
/// <c>--tool-approval deny</c> rejects them all.
/// </summary>
internal static class HostToolApprovals
{
    /// <summary>Sets the bridge's approval policy.</summary>
    /// <param name="bridge">The tool bridge options to set.</param>
    /// <param name="deny">Whether every call is rejected.</param>
    /// <param name="command">The command named in the rejection, e.g. <c>ipybox mcp</c>.</param>
    public static void Configure(ToolBridgeOptions bridge, bool deny, string command)
    {
        bridge.ApprovalPolicy = deny ? HostToolApprovalPolicy.RequireApproval : HostToolApprovalPolicy.ApproveAll;
        bridge.ApprovalHandler = deny
            ? (_, _) => ValueTask.FromResult(HostToolApproval.Reject($"calls to host tools are denied: {command} was started with --tool-approval deny."))
            : null;
    }
}
