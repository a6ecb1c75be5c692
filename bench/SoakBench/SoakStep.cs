namespace IpyBox.AI.SoakBench;

/// <summary>What one operation of a worker works on: its conversation's session, the AI tools over the same sessions, its own random sequence.</summary>
internal sealed record SoakStep(
    SandboxSessionManager Sessions,
    SandboxTools Tools,
    string ConversationKey,
    Random Random,
    string WorkDirectory,
    CancellationToken CancellationToken)
{
    public Task<SandboxSession> SessionAsync() => Sessions.GetOrCreateAsync(ConversationKey, CancellationToken);
}
