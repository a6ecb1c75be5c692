using IpyBox.AI;

/// <summary>The library directly: the same durable requests the service makes (lease and metadata), the same cells.</summary>
internal sealed class LibraryPath(DockerSandboxProvider provider, string runId) : IClientPath
{
    private ISandbox? _sandbox;

    public async Task<string> CreateAsync()
    {
        var request = new SandboxRequest { Lease = TimeSpan.FromHours(1), Metadata = new Dictionary<string, string> { [BenchRun.MetadataKey] = runId } };
        _sandbox = await provider.CreateAsync(request);
        return _sandbox.Id;
    }

    // A Python exception is an ExecutionException: the run counts it as an error.
    public Task ExecuteAsync(string id, string code) => _sandbox!.ExecuteAsync(code, TimeSpan.FromMinutes(2));

    public async Task DeleteAsync(string id)
    {
        await _sandbox!.DisposeAsync();
        _sandbox = null;
        await provider.Directory.DeleteAsync(id);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
    }
}
