using System.Diagnostics;

namespace IpyBox.AI;

/// <summary>
/// A provider decorator that traces and measures its sandboxes with OpenTelemetry's conventions: a <c>create_sandbox</c> span and
/// the <c>ipybox.sandbox.start.duration</c> histogram per start, <c>ipybox.sandbox.active</c> for live sandboxes, an
/// <c>execute_code</c> span with <c>ipybox.executions</c>, <c>ipybox.execution.errors</c> and <c>ipybox.execution.duration</c> per
/// execution, and a span and <c>ipybox.file.operation.duration</c> per file call. Subscribe with
/// <c>AddSource(IpyBoxTelemetry.SourceName)</c> and <c>AddMeter(IpyBoxTelemetry.MeterName)</c>; with no listener it costs nothing.
/// </summary>
public sealed class OpenTelemetrySandboxProvider : DelegatingSandboxProvider
{
    /// <summary>Initializes a new instance of the <see cref="OpenTelemetrySandboxProvider"/> class.</summary>
    /// <param name="innerProvider">The provider whose sandboxes are observed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerProvider"/> is <see langword="null"/>.</exception>
    public OpenTelemetrySandboxProvider(ISandboxProvider innerProvider)
        : base(innerProvider)
    {
    }

    /// <summary>
    /// Gets or sets a value indicating whether spans carry the code run (<c>ipybox.execution.code</c>) and its output
    /// (<c>ipybox.execution.output</c>). Both can hold secrets and personal data: turn this on only where traces may hold them.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool EnableSensitiveData { get; set; }

    /// <inheritdoc />
    /// <remarks>The inner provider's <see cref="ISandboxDirectory"/> is handed out so that an attached sandbox is observed as a created one is, with an <c>attach_sandbox</c> span.</remarks>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        var service = base.GetService(serviceType, serviceKey);
        return service is ISandboxDirectory directory && serviceKey is null && serviceType == typeof(ISandboxDirectory)
            ? new AttachDecoratingDirectory(directory, AttachAsync)
            : service;
    }

    /// <inheritdoc />
    public override async Task<ISandbox> CreateAsync(SandboxRequest? request = null, CancellationToken cancellationToken = default)
    {
        using var activity = IpyBoxTelemetry.Source.StartActivity("create_sandbox", ActivityKind.Client);
        if (request?.ConversationKey is { } key)
        {
            activity?.SetTag("gen_ai.conversation.id", key);
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var sandbox = await base.CreateAsync(request, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("ipybox.sandbox.id", sandbox.Id);
            IpyBoxTelemetry.SandboxStartDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            IpyBoxTelemetry.ActiveSandboxes.Add(1);
            return new OpenTelemetrySandbox(sandbox, this);
        }
        catch (Exception ex)
        {
            IpyBoxTelemetry.SetError(activity, ex);
            IpyBoxTelemetry.SandboxStartDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("error.type", IpyBoxTelemetry.ErrorType(ex)));
            throw;
        }
    }

    private async Task<ISandbox> AttachAsync(ISandboxDirectory directory, string sandboxId, CancellationToken cancellationToken)
    {
        using var activity = IpyBoxTelemetry.Source.StartActivity("attach_sandbox", ActivityKind.Client);
        activity?.SetTag("ipybox.sandbox.id", sandboxId);
        try
        {
            var sandbox = await directory.AttachAsync(sandboxId, cancellationToken).ConfigureAwait(false);
            IpyBoxTelemetry.ActiveSandboxes.Add(1);
            return new OpenTelemetrySandbox(sandbox, this);
        }
        catch (Exception ex)
        {
            IpyBoxTelemetry.SetError(activity, ex);
            throw;
        }
    }
}
