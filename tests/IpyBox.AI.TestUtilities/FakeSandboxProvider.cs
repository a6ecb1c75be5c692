using System.Collections.Concurrent;

namespace IpyBox.AI.TestUtilities;

/// <summary>
/// A hand-written <see cref="ISandboxProvider"/> for unit tests of the logic above the sandbox seam: it records every
/// request and creates <see cref="FakeSandbox"/>es; callbacks delay or fail a creation and shape each new sandbox.
/// </summary>
public sealed class FakeSandboxProvider : ISandboxProvider
{
    private readonly ConcurrentQueue<SandboxRequest> _requests = new();
    private readonly ConcurrentQueue<FakeSandbox> _sandboxes = new();
    private int _nextId;

    /// <summary>Gets or sets what runs first in every <see cref="CreateAsync"/>: await to keep the creation pending, throw to fail it.</summary>
    public Func<SandboxRequest, CancellationToken, Task>? OnCreate { get; set; }

    /// <summary>Gets or sets what runs on each new sandbox before it is returned, e.g. to set its callbacks.</summary>
    public Action<FakeSandbox>? ConfigureSandbox { get; set; }

    /// <summary>Gets the requests received, in order (an anonymous creation is recorded as an empty request).</summary>
    public IReadOnlyList<SandboxRequest> Requests => [.. _requests];

    /// <summary>Gets how many times <see cref="CreateAsync"/> was called, whether or not the creation succeeded.</summary>
    public int CreateCount => _requests.Count;

    /// <summary>Gets the sandboxes created, in order.</summary>
    public IReadOnlyList<FakeSandbox> Sandboxes => [.. _sandboxes];

    public async Task<ISandbox> CreateAsync(SandboxRequest? request = null, CancellationToken cancellationToken = default)
    {
        request ??= new SandboxRequest();
        _requests.Enqueue(request);
        if (OnCreate is { } onCreate)
        {
            await onCreate(request, cancellationToken);
        }

        var sandbox = new FakeSandbox($"fake-{Interlocked.Increment(ref _nextId)}", request);
        if (request.Lease is { } lease && Directory is { } directory)
        {
            directory.Add(new SandboxInfo(sandbox.Id, SandboxState.Running, DirectoryClock.GetUtcNow())
            {
                ConversationKey = request.ConversationKey,
                Metadata = request.Metadata,
                Lease = lease,
                LeaseExpires = DirectoryClock.GetUtcNow() + lease,
            });
        }

        ConfigureSandbox?.Invoke(sandbox);
        _sandboxes.Enqueue(sandbox);
        return sandbox;
    }

    /// <summary>Gets or sets the directory that records the durable sandboxes this provider creates; <see cref="GetService"/> hands it out.</summary>
    public FakeSandboxDirectory? Directory { get; set; }

    /// <summary>Gets or sets the clock of the creation times recorded in <see cref="Directory"/>.</summary>
    public TimeProvider DirectoryClock { get; set; } = TimeProvider.System;

    /// <summary>Gets more objects <see cref="GetService"/> hands out (e.g. a backend's <see cref="ExecutionClientOptions"/>).</summary>
    public List<object> Services { get; } = [];

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType.IsInstanceOfType(this) ? this
        : Directory is not null && serviceType.IsInstanceOfType(Directory) ? Directory
        : Services.FirstOrDefault(serviceType.IsInstanceOfType);
}
