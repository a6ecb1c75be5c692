namespace IpyBox.AI;

/// <summary>What <see cref="ISandboxDirectory"/> knows about a sandbox without attaching to it.</summary>
/// <param name="Id">The sandbox's id (<see cref="ISandbox.Id"/>), the handle to attach with.</param>
/// <param name="State">Running, paused or stopped.</param>
/// <param name="Created">When the sandbox was created.</param>
public sealed record SandboxInfo(string Id, SandboxState State, DateTimeOffset Created)
{
    /// <summary>Gets the application's metadata given at creation (<see cref="SandboxRequest.Metadata"/>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the conversation the sandbox serves (<see cref="SandboxRequest.ConversationKey"/>), or <see langword="null"/>.</summary>
    public string? ConversationKey { get; init; }

    /// <summary>Gets the length of the sandbox's lease, or <see langword="null"/> for a sandbox that is not durable.</summary>
    public TimeSpan? Lease { get; init; }

    /// <summary>Gets when the lease expires, after which a sweep may remove the sandbox; <see langword="null"/> for a sandbox that is not durable.</summary>
    public DateTimeOffset? LeaseExpires { get; init; }

    /// <summary>Gets the snapshot the sandbox started from, or <see langword="null"/>.</summary>
    public string? Snapshot { get; init; }

    /// <summary>Gets the image (Docker) or kernel name (a Jupyter server) the sandbox runs.</summary>
    public string? Image { get; init; }

    /// <summary>Gets a value indicating whether the sandbox's lease has expired at <paramref name="now"/>.</summary>
    /// <param name="now">The current time.</param>
    /// <returns><see langword="true"/> when the sandbox is durable and its lease ran out.</returns>
    public bool IsExpired(DateTimeOffset now) => LeaseExpires is { } expires && expires <= now;
}
