using System.Diagnostics;

namespace IpyBox.AI;

/// <summary>A sandbox observed by an <see cref="OpenTelemetrySandboxProvider"/>: executions and file calls are traced and measured.</summary>
internal sealed class OpenTelemetrySandbox : DelegatingSandbox
{
    private readonly OpenTelemetrySandboxProvider _provider;
    private int _disposed;

    public OpenTelemetrySandbox(ISandbox inner, OpenTelemetrySandboxProvider provider)
        : base(inner)
    {
        _provider = provider;
        Files = new OpenTelemetrySandboxFiles(inner.Files, inner.Id);
    }

    public override ISandboxFiles Files { get; }

    public override async Task<Execution> SubmitAsync(string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var activity = IpyBoxTelemetry.Source.StartActivity("execute_code", ActivityKind.Client);
        activity?.SetTag("ipybox.sandbox.id", Id);
        if (_provider.EnableSensitiveData && activity is { IsAllDataRequested: true })
        {
            activity.SetTag("ipybox.execution.code", code);
        }

        var started = Stopwatch.GetTimestamp();
        Execution execution;
        try
        {
            execution = await InnerSandbox.SubmitAsync(code, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Finish(activity, started, null, ex);
            throw;
        }

        activity?.SetTag("ipybox.execution.id", execution.Id);
        _ = ObserveAsync(execution, activity, started);
        return execution;
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            IpyBoxTelemetry.ActiveSandboxes.Add(-1);
        }

        await base.DisposeAsyncCore().ConfigureAwait(false);
    }

    private async Task ObserveAsync(Execution execution, Activity? activity, long started)
    {
        try
        {
            Finish(activity, started, await execution.GetResultAsync(CancellationToken.None).ConfigureAwait(false), null);
        }
        catch (Exception ex)
        {
            Finish(activity, started, null, ex);
        }
    }

    private void Finish(Activity? activity, long started, ExecutionResult? result, Exception? error)
    {
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (error is null)
        {
            IpyBoxTelemetry.Executions.Add(1);
            IpyBoxTelemetry.ExecutionDuration.Record(seconds);
        }
        else
        {
            var errorType = new KeyValuePair<string, object?>("error.type", IpyBoxTelemetry.ErrorType(error));
            IpyBoxTelemetry.Executions.Add(1, errorType);
            IpyBoxTelemetry.ExecutionErrors.Add(1, errorType);
            IpyBoxTelemetry.ExecutionDuration.Record(seconds, errorType);
            IpyBoxTelemetry.SetError(activity, error);
        }

        if (_provider.EnableSensitiveData && activity is { IsAllDataRequested: true })
        {
            activity.SetTag("ipybox.execution.output", result?.Text ?? (error as ExecutionException)?.Result?.Text ?? error?.Message);
        }

        activity?.Dispose();
    }
}
