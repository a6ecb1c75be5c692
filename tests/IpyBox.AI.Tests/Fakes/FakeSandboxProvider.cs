using System.Collections.Concurrent;

namespace IpyBox.AI.Tests;

/// <summary>Creates <see cref="FakeSandbox"/>es: no Docker, no kernel. Callbacks decide what creation and the sandboxes do.</summary>
internal sealed class FakeSandboxProvider : ISandboxProvider
{
    private int _count;

    /// <summary>Gets the sandboxes created so far, in order.</summary>
    public ConcurrentQueue<FakeSandbox> Created { get; } = new();

    /// <summary>Gets the requests received so far, in order.</summary>
    public ConcurrentQueue<SandboxRequest?> Requests { get; } = new();

    /// <summary>Gets or sets what creation does before the sandbox exists: throw to fail it, await to delay it.</summary>
    public Func<SandboxRequest?, CancellationToken, Task>? CreateCallback { get; set; }

    /// <summary>Gets or sets what every new sandbox is configured with.</summary>
    public Action<FakeSandbox>? Configure { get; set; }

    public async Task<ISandbox> CreateAsync(SandboxRequest? request = null, CancellationToken cancellationToken = default)
    {
        Requests.Enqueue(request);
        if (CreateCallback is { } callback)
        {
            await callback(request, cancellationToken);
        }

        var sandbox = new FakeSandbox($"fake-{Interlocked.Increment(ref _count)}");
        Configure?.Invoke(sandbox);
        Created.Enqueue(sandbox);
        return sandbox;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
}
