using Docker.DotNet.Models;

namespace IpyBox.AI.Tests;

public sealed class ContainerExitTests
{
    [Fact]
    public void An_OOM_killed_container_is_described_with_its_memory_limit_and_the_option_that_raises_it()
    {
        var text = ContainerExit.Describe(new State { Status = "exited", ExitCode = 137, OOMKilled = true }, 384L << 20);

        Assert.Equal(
            "status exited, exit code 137: it ran out of memory and was OOM-killed at its memory limit of 384 MiB; raise ExecutionContainerOptions.MemoryLimitBytes",
            text);
    }

    [Theory]
    [InlineData(137, "status exited, exit code 137: killed by SIGKILL (by a process inside it, the engine, or the host's OOM killer)")]
    [InlineData(143, "status exited, exit code 143: stopped by SIGTERM")]
    [InlineData(139, "status exited, exit code 139: killed by signal 11")]
    [InlineData(64, "status exited, exit code 64")]
    [InlineData(0, "status exited, exit code 0")]
    public void An_exit_is_described_by_its_code_and_the_signal_it_stands_for(long code, string expected) =>
        Assert.Equal(expected, ContainerExit.Describe(new State { Status = "exited", ExitCode = code }, null));
}
