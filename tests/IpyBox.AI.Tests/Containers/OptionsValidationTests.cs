namespace IpyBox.AI.Tests;

public sealed class OptionsValidationTests
{
    [Fact]
    public void Default_options_are_valid()
    {
        new ExecutionContainerOptions().Validate();
        new ExecutionClientOptions().Validate();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(70000)]
    public void Executor_port_outside_the_tcp_range_is_refused(int port)
    {
        var options = new ExecutionContainerOptions { ExecutorPort = port };
        if (port == 0)
        {
            options.Validate(); // 0 lets the engine choose, like null.
            return;
        }

        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("ExecutorPort", error.Message);
    }

    [Theory]
    [InlineData("/etc")]
    [InlineData("../outside")]
    [InlineData("data/../../outside")]
    public void Bind_targets_outside_app_are_refused(string target)
    {
        var options = new ExecutionContainerOptions();
        options.Binds["/tmp/x"] = target;
        Assert.Throws<ArgumentException>(options.Validate);
    }

    [Fact]
    public void Invalid_values_are_refused_with_the_option_name()
    {
        Assert.Contains("HostIp", Assert.Throws<ArgumentException>(new ExecutionContainerOptions { HostIp = "not-an-ip" }.Validate).Message);
        Assert.Contains("Image", Assert.Throws<ArgumentException>(new ExecutionContainerOptions { Image = " " }.Validate).Message);
        Assert.Throws<ArgumentException>(new ExecutionContainerOptions { MemoryLimitBytes = 0 }.Validate);
        Assert.Throws<ArgumentException>(new ExecutionContainerOptions { PortAllocationTimeout = TimeSpan.Zero }.Validate);

        var environment = new ExecutionContainerOptions();
        environment.Environment["A=B"] = "x";
        Assert.Contains("Environment", Assert.Throws<ArgumentException>(environment.Validate).Message);

        Assert.Contains("ConnectTimeout", Assert.Throws<ArgumentException>(new ExecutionClientOptions { ConnectTimeout = TimeSpan.Zero }.Validate).Message);
        Assert.Contains("DefaultTimeout", Assert.Throws<ArgumentException>(new ExecutionClientOptions { DefaultTimeout = TimeSpan.FromSeconds(-1) }.Validate).Message);
        Assert.Contains("KernelName", Assert.Throws<ArgumentException>(new ExecutionClientOptions { KernelName = "" }.Validate).Message);
        Assert.Contains("TimeProvider", Assert.Throws<ArgumentException>(new ExecutionClientOptions { TimeProvider = null! }.Validate).Message);
        Assert.Contains("TimeProvider", Assert.Throws<ArgumentException>(new ExecutionContainerOptions { TimeProvider = null! }.Validate).Message);
    }

    [Fact]
    public void File_transfer_bounds_must_be_positive_or_switched_off_explicitly()
    {
        Assert.Contains("FileTransferIdleTimeout", Assert.Throws<ArgumentException>(new ExecutionContainerOptions { FileTransferIdleTimeout = TimeSpan.Zero }.Validate).Message);
        Assert.Contains("FileTransferTimeout", Assert.Throws<ArgumentException>(new ExecutionContainerOptions { FileTransferTimeout = TimeSpan.FromSeconds(-2) }.Validate).Message);
        Assert.Contains("MaxDownloadBytes", Assert.Throws<ArgumentException>(new ExecutionContainerOptions { MaxDownloadBytes = 0 }.Validate).Message);

        new ExecutionContainerOptions
        {
            FileTransferIdleTimeout = Timeout.InfiniteTimeSpan,
            FileTransferTimeout = Timeout.InfiniteTimeSpan,
            MaxDownloadBytes = null,
        }.Validate();
    }

    [Fact]
    public void Constructors_validate_their_options()
    {
        Assert.Throws<ArgumentException>(() => new ExecutionContainer(new ExecutionContainerOptions { HostIp = "x" }));
        Assert.Throws<ArgumentException>(() => new ExecutionClient(new Uri("http://127.0.0.1:8888/"), "t", new ExecutionClientOptions { KernelName = " " }));
        Assert.Throws<ArgumentException>(() => new ExecutionClient(new Uri("ftp://127.0.0.1:8888/"), "t"));
    }

    [Fact]
    public async Task Using_a_client_before_connecting_says_so()
    {
        await using var client = new ExecutionClient(new Uri("http://127.0.0.1:8888/"), "t");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.ExecuteAsync("1"));
        Assert.Contains("ConnectAsync", error.Message);
    }

    [Theory]
    [InlineData(100_000_000L, 2L << 30, 100_000_000L)]
    [InlineData(100_000_000L, 512L << 20, 32L << 20)]
    [InlineData(null, 512L << 20, 32L << 20)]
    [InlineData(1_000L, 512L << 20, 1_000L)]
    [InlineData(null, null, long.MaxValue)]
    public void The_output_limit_the_kernel_applies_is_at_most_a_sixteenth_of_the_memory_limit(long? cellOutputLimit, long? memoryLimit, long expected) =>
        Assert.Equal(expected, new ExecutionContainerOptions { CellOutputLimit = cellOutputLimit, MemoryLimitBytes = memoryLimit }.EffectiveCellOutputLimit);
}
