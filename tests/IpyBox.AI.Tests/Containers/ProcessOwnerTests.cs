using System.Globalization;

namespace IpyBox.AI.Tests;

/// <summary>Whether a container's owner is gone, from its labels: a reused process id is not mistaken for the owner.</summary>
public sealed class ProcessOwnerTests
{
    private static readonly string s_host = Environment.MachineName;

    [Fact]
    public void The_running_process_with_its_recorded_start_time_is_alive()
    {
        Assert.False(ProcessOwner.IsGone(Labels(Environment.ProcessId, ProcessOwner.StartTimeOf(Environment.ProcessId)), s_host));
    }

    [Fact]
    public void A_live_process_whose_start_time_differs_from_the_recorded_one_is_a_reused_id_and_the_owner_is_gone()
    {
        var started = ProcessOwner.StartTimeOf(Environment.ProcessId)!.Value;
        Assert.True(ProcessOwner.IsGone(Labels(Environment.ProcessId, started - TimeSpan.FromHours(1)), s_host));
    }

    [Fact]
    public void An_exited_process_is_gone_and_containers_of_other_machines_or_without_an_owner_are_never_orphans()
    {
        using var process = System.Diagnostics.Process.Start("true")!;
        process.WaitForExit();

        Assert.True(ProcessOwner.IsGone(Labels(process.Id, null), s_host));
        Assert.False(ProcessOwner.IsGone(Labels(process.Id, null), s_host + "-elsewhere"));
        Assert.False(ProcessOwner.IsGone(new Dictionary<string, string>(), s_host));
        Assert.False(ProcessOwner.IsGone(Labels(Environment.ProcessId, null), s_host));
    }

    [Fact]
    public void New_containers_record_the_owner_start_time()
    {
        var labels = ContainerLabels.For("image:1", []);
        var recorded = ProcessOwner.RecordedStart(labels);
        Assert.NotNull(recorded);
        Assert.InRange((ProcessOwner.StartTimeOf(Environment.ProcessId)!.Value - recorded!.Value).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    private static Dictionary<string, string> Labels(int pid, DateTimeOffset? started)
    {
        var labels = new Dictionary<string, string>
        {
            [ContainerLabels.OwnerProcessId] = pid.ToString(CultureInfo.InvariantCulture),
            [ContainerLabels.OwnerHost] = s_host,
        };
        if (started is { } time)
        {
            labels[ContainerLabels.OwnerStarted] = time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        }

        return labels;
    }
}
