namespace IpyBox.AI.Tests;

public sealed class JupyterServerOptionsTests
{
    private static JupyterServerOptions Valid() => new() { ServerUri = new Uri("https://jupyter.example.com/user/ana/"), Token = "t0ken" };

    [Fact]
    public void Address_and_token_are_all_a_valid_configuration_needs()
    {
        var options = Valid();
        options.Validate();
        Assert.Equal(64L << 20, options.MaxFileBytes);
        Assert.Equal(10_000, options.MaxDirectoryEntries);
        Assert.Equal(TimeSpan.FromSeconds(100), options.RequestTimeout);
        Assert.Equal("python3", options.Client.KernelName);
        Assert.Same(options, new JupyterServerSandboxProvider(options).Options);
    }

    [Fact]
    public void Missing_address_or_token_is_refused_with_how_to_set_them()
    {
        var noAddress = Assert.Throws<ArgumentException>(new JupyterServerOptions { Token = "t" }.Validate);
        Assert.Contains("ServerUri must be set", noAddress.Message);
        Assert.Equal("ServerUri", noAddress.ParamName);

        foreach (var token in new[] { null, "", "  " })
        {
            var noToken = Assert.Throws<ArgumentException>(new JupyterServerOptions { ServerUri = new Uri("http://127.0.0.1:8888/"), Token = token }.Validate);
            Assert.Contains("Token must be set to the server's token", noToken.Message);
        }
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("ws://127.0.0.1:8888/")]
    [InlineData("file:///srv/jupyter")]
    public void Only_http_and_https_addresses_are_accepted(string address)
    {
        var error = Assert.Throws<ArgumentException>(() => new JupyterServerSandboxProvider(new JupyterServerOptions { ServerUri = new Uri(address), Token = "t" }));
        Assert.Contains("absolute http or https address", error.Message);
    }

    [Fact]
    public void A_relative_address_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(new JupyterServerOptions { ServerUri = new Uri("jupyter/", UriKind.Relative), Token = "t" }.Validate);
        Assert.Contains("absolute http or https address", error.Message);
    }

    [Fact]
    public void An_address_with_the_token_in_its_query_says_to_move_it_to_Token()
    {
        var error = Assert.Throws<ArgumentException>(new JupyterServerOptions { ServerUri = new Uri("http://127.0.0.1:8888/lab?token=abc"), Token = "abc" }.Validate);
        Assert.Contains("set Token to it", error.Message);
        Assert.Throws<ArgumentException>(new JupyterServerOptions { ServerUri = new Uri("http://ana:pw@127.0.0.1:8888/"), Token = "abc" }.Validate);
    }

    [Fact]
    public void Limits_and_client_settings_are_checked()
    {
        foreach (var size in new[] { 0L, -1L, (1L << 30) + 1 })
        {
            var options = Valid();
            options.MaxFileBytes = size;
            Assert.Contains("MaxFileBytes", Assert.Throws<ArgumentException>(options.Validate).Message);
        }

        var largest = Valid();
        largest.MaxFileBytes = 1L << 30;
        largest.Validate();

        var entries = Valid();
        entries.MaxDirectoryEntries = 0;
        Assert.Contains("MaxDirectoryEntries", Assert.Throws<ArgumentException>(entries.Validate).Message);

        var timeout = Valid();
        timeout.RequestTimeout = TimeSpan.Zero;
        Assert.Contains("RequestTimeout", Assert.Throws<ArgumentException>(timeout.Validate).Message);
        timeout.RequestTimeout = Timeout.InfiniteTimeSpan;
        timeout.Validate();

        var client = Valid();
        client.Client = new ExecutionClientOptions { KernelName = " " };
        Assert.Contains("KernelName", Assert.Throws<ArgumentException>(client.Validate).Message);
        client.Client = null!;
        Assert.Contains("Client", Assert.Throws<ArgumentException>(client.Validate).Message);
    }

    [Fact]
    public void The_provider_needs_options()
    {
        Assert.Throws<ArgumentNullException>(() => new JupyterServerSandboxProvider(null!));
        var provider = new JupyterServerSandboxProvider(Valid());
        Assert.Same(provider, provider.GetService<JupyterServerSandboxProvider>());
        Assert.Same(provider, provider.GetService<ISandboxProvider>());
        Assert.Null(provider.GetService<DockerSandboxProvider>());
        Assert.Null(provider.GetService(typeof(JupyterServerSandboxProvider), serviceKey: "other"));
    }
}
