using System.Diagnostics;
using System.Globalization;

namespace IpyBox.AI;

/// <summary>Decides from a container's owner labels whether the process that created it is gone.</summary>
internal static class ProcessOwner
{
    /// <summary>How far two readings of one process's start time may differ (the system derives it from clock ticks since boot).</summary>
    private static readonly TimeSpan s_startTolerance = TimeSpan.FromSeconds(2);

    /// <summary>Returns when the process started, or <see langword="null"/> when it does not exist or cannot be inspected.</summary>
    public static DateTimeOffset? StartTimeOf(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.HasExited ? null : new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Gets a value indicating whether the owner recorded in <paramref name="labels"/> ran on this machine and is gone: no
    /// process has its id, or the one that has it started at another time (the id was reused).
    /// </summary>
    public static bool IsGone(IDictionary<string, string> labels, string machineName)
    {
        if (!labels.TryGetValue(ContainerLabels.OwnerProcessId, out var pidText)
            || !int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !labels.TryGetValue(ContainerLabels.OwnerHost, out var host)
            || !string.Equals(host, machineName, StringComparison.Ordinal))
        {
            return false;
        }

        if (StartTimeOf(pid) is not { } started)
        {
            return true;
        }

        return RecordedStart(labels) is { } recorded && (started - recorded).Duration() > s_startTolerance;
    }

    /// <summary>Returns the owner's start time recorded in <paramref name="labels"/>, or <see langword="null"/> for containers made before it was recorded.</summary>
    public static DateTimeOffset? RecordedStart(IDictionary<string, string> labels) =>
        labels.TryGetValue(ContainerLabels.OwnerStarted, out var text)
        && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : null;
}
