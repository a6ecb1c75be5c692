namespace IpyBox.AI;

/// <summary>A saved state of a sandbox's files and packages (<see cref="ISandboxSnapshots"/>).</summary>
/// <param name="Name">The snapshot's name, given to <see cref="SandboxRequest.Snapshot"/>.</param>
/// <param name="SourceSandboxId">The sandbox it was taken from.</param>
/// <param name="Created">When it was taken.</param>
/// <param name="SizeBytes">The disk it takes beyond the image it extends.</param>
public sealed record SandboxSnapshot(string Name, string SourceSandboxId, DateTimeOffset Created, long SizeBytes);
