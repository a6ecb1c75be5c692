namespace IpyBox.AI.Tests;

public sealed class SandboxRuntimeTests
{
    [Theory]
    [InlineData("/usr/bin/runsc", true)]
    [InlineData("/usr/local/bin/runsc", true)]
    [InlineData("runsc", true)]
    [InlineData("runc", false)]
    [InlineData("/usr/bin/runsc-wrapper", false)]
    [InlineData("/usr/bin/kata-runtime", false)]
    [InlineData("", false)]
    public void A_runtime_is_gvisor_when_its_binary_is_runsc(string path, bool gvisor) =>
        Assert.Equal(gvisor, SandboxRuntime.IsGvisorBinary(path));

    [Fact]
    public void The_engine_default_is_asked_nothing_and_is_not_taken_for_gvisor()
    {
        Assert.Null(SandboxRuntime.EngineDefault.Name);
        Assert.False(SandboxRuntime.EngineDefault.IsGvisor);
    }
}
