using System.Collections.Concurrent;

namespace IpyBox.AI.Tests;

/// <summary>
/// A sandbox without a kernel: <see cref="ExecuteCallback"/> decides what each cell outputs or how it fails, and the
/// results travel through the library's real <see cref="Execution"/> as the kernel's messages would.
/// </summary>
internal sealed class FakeSandbox(string id) : ISandbox
{
    private int _executions;
    private int _disposed;

    public string Id { get; } = id;

    public FakeSandboxFiles FakeFiles { get; } = new();

    public ISandboxFiles Files => FakeFiles;

    /// <summary>Gets the cells submitted so far, with their time limits.</summary>
    public ConcurrentQueue<(string Code, TimeSpan? Timeout)> Submitted { get; } = new();

    /// <summary>Gets or sets what a cell does; the default prints nothing.</summary>
    public Func<string, FakeCell> ExecuteCallback { get; set; } = _ => FakeCell.Prints(null);

    /// <summary>Gets or sets what a reset does; the default succeeds.</summary>
    public Func<CancellationToken, Task> ResetCallback { get; set; } = _ => Task.CompletedTask;

    public int Resets { get; private set; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public Task<Execution> SubmitAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        Submitted.Enqueue((code, timeout));
        return Task.FromResult(ExecuteCallback(code).Start($"fake-execution-{Interlocked.Increment(ref _executions)}"));
    }

    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        Resets++;
        await ResetCallback(cancellationToken);
    }

    public IDisposable AddMessageHandler(IJupyterMessageHandler handler) => throw new NotSupportedException("The fake sandbox has no kernel messages.");

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        return ValueTask.CompletedTask;
    }
}
