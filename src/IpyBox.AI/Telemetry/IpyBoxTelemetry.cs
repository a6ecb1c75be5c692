using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace IpyBox.AI;

/// <summary>
/// The names under which IpyBox.AI reports traces and metrics: pass them to OpenTelemetry's <c>AddSource</c> and <c>AddMeter</c>.
/// Tool calls are traced always (as <c>execute_tool &lt;name&gt;</c> spans with <c>gen_ai.*</c> attributes, named the way
/// Microsoft.Extensions.AI's <c>UseOpenTelemetry</c> names them); sandbox starts, executions and file transfers are traced and
/// measured by <see cref="OpenTelemetrySandboxProvider"/> (<c>AddIpyBox().UseOpenTelemetry()</c>). Code and outputs are recorded
/// only with <see cref="IpyBoxOptions.EnableSensitiveTelemetryData"/>.
/// </summary>
public static class IpyBoxTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/>: <c>IpyBox.AI</c>.</summary>
    public const string SourceName = "IpyBox.AI";

    /// <summary>The name of the <see cref="Meter"/>: <c>IpyBox.AI</c>.</summary>
    public const string MeterName = "IpyBox.AI";

    private static readonly string? s_version = typeof(IpyBoxTelemetry).Assembly.GetName().Version?.ToString();

    /// <summary>Gets the library's activity source.</summary>
    internal static ActivitySource Source { get; } = new(SourceName, s_version);

    /// <summary>Gets the library's meter.</summary>
    internal static Meter Meter { get; } = new(MeterName, s_version);

    /// <summary>Gets the number of executions submitted, by outcome (<c>error.type</c> when one failed).</summary>
    internal static Counter<long> Executions { get; } = Meter.CreateCounter<long>("ipybox.executions", "{execution}", "Executions submitted to sandboxes.");

    /// <summary>Gets the number of executions that failed, by <c>error.type</c>.</summary>
    internal static Counter<long> ExecutionErrors { get; } = Meter.CreateCounter<long>("ipybox.execution.errors", "{execution}", "Executions that ended with an error (Python exception, timeout, lost sandbox).");

    /// <summary>Gets how long executions took, from submission to their result.</summary>
    internal static Histogram<double> ExecutionDuration { get; } = Meter.CreateHistogram<double>("ipybox.execution.duration", "s", "Time from submitting code to its result.");

    /// <summary>Gets the number of sandboxes alive now.</summary>
    internal static UpDownCounter<long> ActiveSandboxes { get; } = Meter.CreateUpDownCounter<long>("ipybox.sandbox.active", "{sandbox}", "Sandboxes created and not yet disposed.");

    /// <summary>Gets how long sandbox starts took.</summary>
    internal static Histogram<double> SandboxStartDuration { get; } = Meter.CreateHistogram<double>("ipybox.sandbox.start.duration", "s", "Time to create a sandbox ready to run code.");

    /// <summary>Gets how long file transfers and file calls took, by <c>ipybox.file.operation</c>.</summary>
    internal static Histogram<double> FileOperationDuration { get; } = Meter.CreateHistogram<double>("ipybox.file.operation.duration", "s", "Time of file uploads, downloads, listings and deletions in sandboxes.");

    /// <summary>The <c>error.type</c> of an exception: its full type name, as OpenTelemetry's conventions suggest.</summary>
    internal static string ErrorType(Exception error) => error.GetType().FullName ?? error.GetType().Name;

    /// <summary>Marks <paramref name="activity"/> as failed with <paramref name="error"/>.</summary>
    internal static void SetError(Activity? activity, Exception error)
    {
        activity?.SetTag("error.type", ErrorType(error));
        activity?.SetStatus(ActivityStatusCode.Error, error.Message.Split('\n')[0]);
    }
}
