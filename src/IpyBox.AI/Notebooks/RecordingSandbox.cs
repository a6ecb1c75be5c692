namespace IpyBox.AI;

/// <summary>A sandbox that records every cell submitted to it, and its outputs, in a <see cref="NotebookRecorder"/>; everything else passes through.</summary>
internal sealed class RecordingSandbox(ISandbox inner, NotebookRecorder recorder) : DelegatingSandbox(inner)
{
    public override async Task<Execution> SubmitAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var execution = await InnerSandbox.SubmitAsync(code, timeout, cancellationToken).ConfigureAwait(false);
        recorder.Record(code, execution);
        return execution;
    }

    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        Throw.IfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(recorder) ? recorder : base.GetService(serviceType, serviceKey);
    }
}
