namespace IpyBox.AI;

/// <summary>
/// Makes the conversations of a <see cref="SandboxSessionManager"/> durable (<see cref="IpyBoxOptions.Durability"/>): each
/// sandbox is found again by its conversation key after a process restart, by any process that shares the engine and the
/// <see cref="Scope"/>, and an idle one is paused or stopped instead of removed. Needs a provider with an
/// <see cref="ISandboxDirectory"/> that keeps metadata and can pause and stop (the Docker backend; a Jupyter server's provider
/// has a directory but refuses the scope's metadata when a sandbox is created).
/// </summary>
public sealed class DurableSessionOptions
{
    /// <summary>The metadata key (<see cref="SandboxRequest.Metadata"/>) under which each sandbox records its <see cref="Scope"/>.</summary>
    public const string ScopeMetadataKey = "ipybox.scope";

    /// <summary>Gets or sets the application the conversations belong to: only processes with the same scope share a conversation's sandbox.</summary>
    /// <remarks>Two applications on one engine that both use a conversation key such as <c>default</c> keep their sandboxes apart by their scopes.</remarks>
    /// <value>The default value is <c>default</c>.</value>
    public string Scope { get; set; } = "default";

    /// <summary>Gets or sets the lease of each sandbox (<see cref="SandboxRequest.Lease"/>): how long it stays after the last process that held it stopped renewing.</summary>
    /// <value>The default value is 15 minutes.</value>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets what happens to a sandbox idle for <see cref="IpyBoxOptions.SessionIdleTimeout"/>.</summary>
    /// <value>The default value is <see cref="SessionIdleAction.Stop"/>.</value>
    public SessionIdleAction IdleAction { get; set; } = SessionIdleAction.Stop;

    /// <summary>Gets or sets how long a sandbox paused for idleness is kept before a sweep may remove it.</summary>
    /// <value>The default value is 1 hour.</value>
    public TimeSpan PausedRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how long a sandbox stopped for idleness is kept before a sweep may remove it.</summary>
    /// <value>The default value is 7 days.</value>
    public TimeSpan StoppedRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Returns the first problem with the options, or <see langword="null"/> when there is none.</summary>
    internal string? FirstError()
    {
        if (string.IsNullOrWhiteSpace(Scope) || Scope.Length > SandboxMetadata.MaxValueLength)
        {
            return $"DurableSessionOptions.Scope must be a non-empty name of at most {SandboxMetadata.MaxValueLength} characters.";
        }

        if (Lease < TimeSpan.FromSeconds(3) || PausedRetention <= TimeSpan.Zero || StoppedRetention <= TimeSpan.Zero)
        {
            return "DurableSessionOptions.Lease must be at least 3 seconds, and PausedRetention and StoppedRetention positive.";
        }

        return Enum.IsDefined(IdleAction) ? null : $"DurableSessionOptions.IdleAction {IdleAction} is not a defined value.";
    }
}
