namespace IpyBox.AI;

/// <summary>The application's answer to a <see cref="HostToolApprovalRequest"/>.</summary>
public sealed class HostToolApproval
{
    private HostToolApproval(bool approved, string? reason)
    {
        Approved = approved;
        Reason = reason;
    }

    /// <summary>Gets a value indicating whether the tool may run.</summary>
    public bool Approved { get; }

    /// <summary>Gets the reason given with the answer, or <see langword="null"/>; a rejection's reason reaches the cell in its exception.</summary>
    public string? Reason { get; }

    /// <summary>Lets the call run.</summary>
    /// <returns>An approval.</returns>
    public static HostToolApproval Approve() => new(true, null);

    /// <summary>Refuses the call: the tool does not run and the cell gets a <c>ToolRejectedError</c>.</summary>
    /// <param name="reason">Why, shown to the cell; <see langword="null"/> for a generic message.</param>
    /// <returns>A rejection.</returns>
    public static HostToolApproval Reject(string? reason = null) => new(false, reason);
}
