namespace IpyBox.AI.IntegrationTests;

/// <summary>A session manager for one test; disposing it checks through the Docker API that every container it made is gone.</summary>
public sealed class SessionManagerScope : IAsyncDisposable
{
    private readonly HashSet<string> _containerIds = [];

    private SessionManagerScope(SandboxSessionManager manager)
    {
        Manager = manager;
    }

    public SandboxSessionManager Manager { get; }

    public static async Task<SessionManagerScope> CreateAsync(IpyBoxOptions? options = null)
    {
        await DockerEngine.EnsureAvailableAsync();
        return new SessionManagerScope(new SandboxSessionManager(options));
    }

    /// <summary>Returns the conversation's sandbox and remembers its container for the final check.</summary>
    public async Task<SandboxSession> SessionAsync(string key)
    {
        var session = await Manager.GetOrCreateAsync(key);
        Remember(session.SandboxId);
        return session;
    }

    public void Remember(string containerId)
    {
        lock (_containerIds)
        {
            _containerIds.Add(containerId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in Manager.Sessions)
        {
            Remember(session.SandboxId);
        }

        await Manager.DisposeAsync();
        foreach (var id in _containerIds)
        {
            Assert.False(await DockerEngine.ContainerExistsAsync(id), $"container {id} still exists after the manager was disposed");
        }
    }
}
