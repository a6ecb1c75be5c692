using System.Net;
using System.Text;

namespace IpyBox.AI.IntegrationTests;

public sealed class ContainerLifecycleTests : IAsyncLifetime
{
    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Dispose_removes_the_container_and_is_idempotent()
    {
        var container = await ExecutionContainer.StartAsync();
        var id = container.ContainerId!;
        Assert.True(await DockerEngine.ContainerExistsAsync(id));
        Assert.Equal("127.0.0.1", container.Host);
        Assert.InRange(container.ExecutorPort, 1, 65535);

        await container.DisposeAsync();
        Assert.False(await DockerEngine.ContainerExistsAsync(id));
        await container.DisposeAsync();
    }

    [Fact]
    public async Task Kill_then_kill_again_then_dispose_is_harmless()
    {
        var container = new ExecutionContainer();
        await container.RunAsync();
        var id = container.ContainerId!;
        await container.KillAsync();
        Assert.False(await DockerEngine.ContainerExistsAsync(id));
        await container.KillAsync();
        await container.DisposeAsync();
    }

    [Fact]
    public async Task Environment_variables_reach_the_kernel()
    {
        var options = new ExecutionContainerOptions();
        options.Environment["API_KEY"] = "secret-key-123";
        options.Environment["DEBUG"] = "1";
        await using var container = await ExecutionContainer.StartAsync(options);
        await using var client = container.CreateClient();
        await client.ConnectAsync();
        var result = await client.ExecuteAsync("import os\nprint(os.environ['API_KEY'], os.environ['DEBUG'])");
        Assert.Equal("secret-key-123 1", result.Text);
    }

    [Fact]
    public async Task Bind_mounts_are_readable_and_writable_and_created_when_missing()
    {
        using var root = new TempDirectory("ipybox-bind-");
        var hostDir = root.Combine("data", "nested");
        var options = new ExecutionContainerOptions();
        options.Binds[hostDir] = "data";
        await using var container = await ExecutionContainer.StartAsync(options);
        Assert.True(Directory.Exists(hostDir));

        await File.WriteAllTextAsync(Path.Combine(hostDir, "input.txt"), "from host");
        await using var client = container.CreateClient();
        await client.ConnectAsync();
        var result = await client.ExecuteAsync(
            "text = open('data/input.txt').read()\nopen('/app/data/output.txt', 'w').write(text.upper())\nprint(text)");
        Assert.Equal("from host", result.Text);
        Assert.Equal("FROM HOST", await File.ReadAllTextAsync(Path.Combine(hostDir, "output.txt")));
    }

    [Fact]
    public async Task A_request_without_the_token_is_refused()
    {
        await using var container = await ExecutionContainer.StartAsync();
        await using (var client = container.CreateClient())
        {
            await client.ConnectAsync();
        }

        using var http = new HttpClient();
        var url = new Uri($"http://{container.Host}:{container.ExecutorPort}/api/kernels");
        using var anonymous = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, url);
        wrong.Headers.Authorization = new("token", "not-the-token");
        using var wrongResponse = await http.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Forbidden, wrongResponse.StatusCode);

        var badClient = new ExecutionClient(container.ServerUri, "not-the-token");
        await using (badClient)
        {
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => badClient.ConnectAsync());
        }

        using var authorized = new HttpRequestMessage(HttpMethod.Get, url);
        authorized.Headers.Authorization = new("token", container.Token);
        using var ok = await http.SendAsync(authorized);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task The_kernel_list_answers_while_kernels_start()
    {
        // The server starts a kernel by itself as it comes up, and each new client starts another: a list asked for at
        // the moment one joins the server's table must not fail (other processes attach by listing).
        await using var container = await ExecutionContainer.StartAsync();
        using var http = new HttpClient();
        var url = new Uri($"http://{container.Host}:{container.ExecutorPort}/api/kernels");
        using var starting = new CancellationTokenSource();
        var failures = new List<HttpStatusCode>();
        var answers = 0;
        var listing = Task.Run(async () =>
        {
            while (!starting.IsCancellationRequested)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Authorization = new("token", container.Token);
                using var response = await http.SendAsync(request);
                answers++;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add(response.StatusCode);
                }
            }
        });

        var clients = new List<ExecutionClient>();
        for (var i = 0; i < 6; i++)
        {
            var client = container.CreateClient();
            clients.Add(client);
            await client.ConnectAsync();
        }

        await starting.CancelAsync();
        await listing;
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        Assert.True(answers > 6, $"only {answers} lists were answered");
        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_container_killed_during_an_execution_gives_a_clear_error_quickly()
    {
        await using var container = await ExecutionContainer.StartAsync();
        await using var client = container.CreateClient();
        await client.ConnectAsync();
        var execution = await client.SubmitAsync("import time\nwhile True:\n    time.sleep(0.1)", TimeSpan.FromMinutes(5));

        await DockerEngine.KillAsync(container.ContainerId!);
        var error = await Assert.ThrowsAsync<KernelUnavailableException>(() => execution.GetResultAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("lost", error.Message);
        Assert.Contains("not running", error.Message);

        await Assert.ThrowsAsync<KernelUnavailableException>(() => client.ExecuteAsync("print(1)"));
    }

    [Fact]
    public async Task A_container_that_exits_during_start_reports_its_logs()
    {
        await using var image = await ThrowawayImage.BuildAsync(
            "exits", $"FROM {RuntimeImage.DefaultTag}\nENTRYPOINT [\"sh\", \"-c\", \"echo sandbox-broke-on-purpose >&2; exit 3\"]\n");
        var container = new ExecutionContainer(new ExecutionContainerOptions { Image = image.Tag });
        await using (container)
        {
            var error = await Assert.ThrowsAsync<ContainerStartException>(() => container.RunAsync());
            Assert.Contains("exited during start", error.Message);
            Assert.Contains("sandbox-broke-on-purpose", error.Logs);
        }

        Assert.Null(container.ContainerId);
    }

    [Fact]
    public async Task The_runtime_image_builds_from_the_embedded_context_and_reports_progress()
    {
        // A separate tag keeps the image other tests use in place; the layers come from the build cache.
        await using var tag = ThrowawayImage.Reserve("runtime");
        var progress = new List<ImageProgress>();
        using var docker = DockerEngine.CreateClient();
        using var engine = CreateEngineOperations();
        await ImageProvisioner.BuildRuntimeImageAsync(engine, tag.Tag, root: false, new SyncProgress<ImageProgress>(progress.Add), CancellationToken.None);
        var image = await docker.Images.InspectImageAsync(tag.Tag);
        Assert.NotNull(image.Config);
        Assert.Equal(RuntimeImage.Version, image.Config.Labels?[RuntimeImage.VersionLabel]);
        Assert.Equal("ipybox", image.Config.User);
        Assert.Contains(progress, p => p.Image == tag.Tag && p.Message.Contains("FROM", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_port_that_is_never_published_gives_a_clear_error()
    {
        // Without a network the engine publishes no port.
        var options = new ExecutionContainerOptions { Network = "none", PortAllocationTimeout = TimeSpan.FromSeconds(2) };
        var container = new ExecutionContainer(options);
        await using (container)
        {
            var error = await Assert.ThrowsAsync<ContainerStartException>(() => container.RunAsync());
            Assert.Contains("did not publish port 8888", error.Message);
            Assert.Contains("PortAllocationTimeout", error.Message);
        }
    }

    [Fact]
    public async Task A_failing_image_build_reports_the_build_output()
    {
        using var engine = CreateEngineOperations();
        await using var context = TarContext.Create(("Dockerfile", $"FROM {RuntimeImage.DefaultTag}\nRUN echo build-step-says-hello && exit 7\n"));
        var error = await Assert.ThrowsAsync<ImageBuildException>(() =>
            engine.BuildImageAsync("ipybox-ai-test/fails:1", context, new Dictionary<string, string>(), null, CancellationToken.None));
        Assert.Contains("build-step-says-hello", error.Output);
        Assert.Contains("7", error.Message);
    }

    [Fact]
    public async Task A_missing_image_that_cannot_be_pulled_gives_a_clear_error()
    {
        var progress = new List<ImageProgress>();
        var options = new ExecutionContainerOptions { Image = "ipybox-ai-test/does-not-exist:never", Progress = new SyncProgress<ImageProgress>(progress.Add) };
        await using var container = new ExecutionContainer(options);
        var error = await Assert.ThrowsAsync<ImageBuildException>(() => container.RunAsync());
        Assert.Contains("could not be pulled", error.Message);
    }

    [Fact]
    public async Task No_engine_at_the_endpoint_says_how_to_start_one()
    {
        var options = new ExecutionContainerOptions { DockerEndpoint = new Uri("unix:///tmp/ipybox-no-such-engine.sock") };
        await using var container = new ExecutionContainer(options);
        var error = await Assert.ThrowsAsync<DockerUnavailableException>(() => container.RunAsync());
        Assert.Contains("ipybox-no-such-engine.sock", error.Message);
        Assert.Contains("Start one", error.Message);
    }

    /// <summary>The library's own engine operations on the default endpoint, for the image builds these tests check.</summary>
    private static DockerOperations CreateEngineOperations() => new(DockerEndpoint.Resolve(null), TimeSpan.FromMinutes(30));
}

/// <summary>Calls back synchronously, in order (unlike <see cref="Progress{T}"/>).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
