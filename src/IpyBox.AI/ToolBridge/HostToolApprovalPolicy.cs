namespace IpyBox.AI;

/// <summary>Which tool calls from a sandbox need the application's approval.</summary>
public enum HostToolApprovalPolicy
{
    /// <summary>
    /// Every call is put to <see cref="ToolBridgeOptions.ApprovalHandler"/> before the tool runs; without a handler
    /// every call is rejected.
    /// </summary>
    RequireApproval,

    /// <summary>
    /// Calls run without asking, except calls of tools wrapped in <see cref="Microsoft.Extensions.AI.ApprovalRequiredAIFunction"/>,
    /// which are put to the handler (and rejected without one).
    /// </summary>
    ApproveAll,
}
