namespace IpyBox.AI;

/// <summary>A sandbox that records every cell submitted to it, and its outputs, in a <see cref="NotebookRecorder"/>; everything else passes through.</summary>
internal sealed class RecordingSandbox(ISandbox inner, NotebookRecorder recorder) : ISandbox
{
    public string Id => inner.Id;

    public ISandboxFiles Files => inner.Files;

    public async Task<Execution> SubmitAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var execution = await inner.SubmitAsync(code, timeout, cancellationToken).ConfigureAwait(false);
        recorder.Record(code, execution);
        return execution;
    }

    public Task ResetAsync(CancellationToken cancellationToken = default) => inner.ResetAsync(cancellationToken);

    public IDisposable AddMessageHandler(IJupyterMessageHandler handler) => inner.AddMessageHandler(handler);

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        Throw.IfNull(serviceType);
        if (serviceKey is null && serviceType.IsInstanceOfType(recorder))
        {
            return recorder;
        }

        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : inner.GetService(serviceType, serviceKey);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
