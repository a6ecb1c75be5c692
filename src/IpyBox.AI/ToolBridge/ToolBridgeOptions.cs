namespace IpyBox.AI;

/// <summary>
/// How calls from a sandbox to the tools of a <see cref="HostToolSet"/> are approved and bounded, given with each registration
/// (<see cref="HostToolExtensions.AddHostToolsAsync"/>). The bridge's logging and clock belong to the sandbox's bridge
/// (<see cref="HostToolExtensions.WithToolBridge"/>).
/// </summary>
public sealed class ToolBridgeOptions
{
    /// <summary>The largest result the bridge can deliver to a kernel in one message.</summary>
    internal const int MaxDeliverableBytes = 8 * 1024 * 1024;

    /// <summary>Gets or sets which calls need approval.</summary>
    /// <value>The default value is <see cref="HostToolApprovalPolicy.RequireApproval"/>: nothing runs unless the application says so.</value>
    public HostToolApprovalPolicy ApprovalPolicy { get; set; } = HostToolApprovalPolicy.RequireApproval;

    /// <summary>
    /// Gets or sets the callback that approves or rejects a call before the tool runs. While it runs, the time limit of the
    /// execution that made the call is paused. An exception thrown by the callback rejects the call.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: calls that need approval are rejected.</value>
    public Func<HostToolApprovalRequest, CancellationToken, ValueTask<HostToolApproval>>? ApprovalHandler { get; set; }

    /// <summary>Gets or sets the largest argument object of one call, in characters of JSON; larger calls fail in the cell without reaching the tool.</summary>
    /// <value>The default value is 1 MiB.</value>
    public int MaxArgumentBytes { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets the largest result of one call, in characters of its encoded form; a larger result fails in the cell. At most 8 MiB.</summary>
    /// <value>The default value is 4 MiB.</value>
    public int MaxResultBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets how many calls of one sandbox may be in flight (approval, running, or waiting to be collected) at once; more fail in the cell.</summary>
    /// <value>The default value is 64.</value>
    public int MaxPendingCalls { get; set; } = 64;

    /// <summary>Throws when a value is out of range, saying how to fix it.</summary>
    internal void Validate()
    {
        if (MaxArgumentBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxArgumentBytes), MaxArgumentBytes, "MaxArgumentBytes must be positive.");
        }

        if (MaxResultBytes is <= 0 or > MaxDeliverableBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxResultBytes), MaxResultBytes, $"MaxResultBytes must be between 1 and {MaxDeliverableBytes} (the Jupyter server refuses larger messages from clients).");
        }

        if (MaxPendingCalls <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPendingCalls), MaxPendingCalls, "MaxPendingCalls must be positive.");
        }
    }
}
