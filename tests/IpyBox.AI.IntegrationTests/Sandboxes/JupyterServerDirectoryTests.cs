namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// The sandbox directory of the Jupyter-server backend on a real server: a sandbox created with a lease outlives its object
/// and another provider (standing for another process) attaches to its kernel by id; listing, deletion, the operations a
/// server cannot do, and a sandbox without a lease that still shuts its kernel down.
/// </summary>
public sealed class JupyterServerDirectoryTests(JupyterServerFixture server) : IClassFixture<JupyterServerFixture>
{
    private static readonly TimeSpan s_lease = TimeSpan.FromMinutes(10);

    private JupyterServerSandboxProvider NewProvider() => new(server.CreateOptions());

    [Fact]
    public async Task A_leased_sandbox_outlives_dispose_and_another_provider_attaches_to_its_kernel_with_the_variable()
    {
        string id;
        await using (var sandbox = await NewProvider().CreateAsync(new SandboxRequest { Lease = s_lease }))
        {
            id = sandbox.Id;
            await sandbox.ExecuteAsync("secret = 6 * 7");
        }

        Assert.Contains(id, await server.ListKernelIdsAsync());
        var directory = NewProvider().Directory;
        try
        {
            await using (var attached = await directory.AttachAsync(id))
            {
                var result = await attached.ExecuteAsync("print(secret)");

                Assert.Equal(id, attached.Id);
                Assert.Equal("42", result.Text);
                Assert.Null(result.Notice);
            }

            // Disposing an attached sandbox detaches too: a third attach still finds the state.
            Assert.Contains(id, await server.ListKernelIdsAsync());
            await using var again = await NewProvider().Directory.AttachAsync(id);
            Assert.Equal("43", (await again.ExecuteAsync("print(secret + 1)")).Text);
        }
        finally
        {
            await directory.DeleteAsync(id);
        }
    }

    [Fact]
    public async Task The_directory_lists_and_finds_a_sandbox_as_a_running_kernel_and_queries_for_what_a_server_keeps_not_match()
    {
        var provider = NewProvider();
        await using var sandbox = await provider.CreateAsync(new SandboxRequest { Lease = s_lease });
        try
        {
            await sandbox.ExecuteAsync("pass");

            var found = await provider.Directory.FindAsync(sandbox.Id);
            var all = await provider.Directory.ListAsync();
            var running = await provider.Directory.ListAsync(new SandboxQuery { State = SandboxState.Running });

            Assert.NotNull(found);
            Assert.Equal(SandboxState.Running, found.State);
            Assert.Equal("python3", found.Image);
            Assert.Null(found.Lease);
            Assert.Empty(found.Metadata);
            Assert.Equal(all.Select(i => i.Id).Order(), (await server.ListKernelIdsAsync()).Order());
            Assert.Contains(running, i => i.Id == sandbox.Id);
            Assert.Equal(all.OrderByDescending(i => i.Created).Select(i => i.Id), all.Select(i => i.Id));

            var withMetadata = new SandboxQuery();
            withMetadata.Metadata["tenant"] = "contoso";
            Assert.Empty(await provider.Directory.ListAsync(withMetadata));
            Assert.Empty(await provider.Directory.ListAsync(new SandboxQuery { DurableOnly = true }));
            Assert.Empty(await provider.Directory.ListAsync(new SandboxQuery { ConversationKey = "c1" }));
            Assert.Empty(await provider.Directory.ListAsync(new SandboxQuery { State = SandboxState.Paused }));
            Assert.Same(provider.Directory, provider.GetService<ISandboxDirectory>());
        }
        finally
        {
            await provider.Directory.DeleteAsync(sandbox.Id);
        }
    }

    [Fact]
    public async Task Delete_shuts_the_kernel_down_and_the_id_is_then_not_found()
    {
        var provider = NewProvider();
        string id;
        await using (var sandbox = await provider.CreateAsync(new SandboxRequest { Lease = s_lease }))
        {
            id = sandbox.Id;
        }

        Assert.True(await NewProvider().Directory.DeleteAsync(id));

        Assert.DoesNotContain(id, await server.ListKernelIdsAsync());
        Assert.Null(await provider.Directory.FindAsync(id));
        Assert.DoesNotContain(await provider.Directory.ListAsync(), i => i.Id == id);
        var error = await Assert.ThrowsAsync<SandboxNotFoundException>(() => provider.Directory.AttachAsync(id));
        Assert.Contains(id, error.Message);
        Assert.False(await provider.Directory.DeleteAsync(id));
    }

    [Theory]
    [InlineData("no-such-kernel")]
    [InlineData("..")]
    [InlineData("../../api/kernelspecs")]
    [InlineData("a/b")]
    [InlineData("")]
    public async Task An_id_that_names_no_kernel_is_not_found_and_touches_no_kernel(string id)
    {
        var directory = NewProvider().Directory;
        var before = await server.ListKernelIdsAsync();

        await Assert.ThrowsAsync<SandboxNotFoundException>(() => directory.AttachAsync(id));
        Assert.Null(await directory.FindAsync(id));
        Assert.False(await directory.DeleteAsync(id));

        Assert.Equal(before.Order(), (await server.ListKernelIdsAsync()).Order());
    }

    [Fact]
    public async Task Pause_stop_and_resume_are_not_supported_and_the_sweep_removes_nothing()
    {
        var directory = NewProvider().Directory;
        var id = server.Sandbox.Id;

        var pause = await Assert.ThrowsAsync<NotSupportedException>(() => directory.PauseAsync(id));
        var stop = await Assert.ThrowsAsync<NotSupportedException>(() => directory.StopAsync(id, TimeSpan.FromHours(1)));
        var resume = await Assert.ThrowsAsync<NotSupportedException>(() => directory.ResumeAsync(id));

        Assert.Contains("A Jupyter server cannot pause a kernel", pause.Message);
        Assert.Contains("Docker backend", pause.Message);
        Assert.Contains("cannot stop", stop.Message);
        Assert.Contains("cannot resume", resume.Message);
        Assert.Empty(await directory.RemoveExpiredAsync());
        Assert.Contains(id, await server.ListKernelIdsAsync());
        Assert.Equal("2", (await server.Sandbox.ExecuteAsync("print(1 + 1)")).Text);
    }

    [Fact]
    public async Task A_sandbox_without_a_lease_still_shuts_its_kernel_down_on_dispose()
    {
        var provider = NewProvider();
        var sandbox = await provider.CreateAsync();
        await sandbox.ExecuteAsync("x = 1");
        Assert.Contains(await provider.Directory.ListAsync(), i => i.Id == sandbox.Id);

        await sandbox.DisposeAsync();

        Assert.DoesNotContain(await provider.Directory.ListAsync(), i => i.Id == sandbox.Id);
        Assert.DoesNotContain(sandbox.Id, await server.ListKernelIdsAsync());
        await Assert.ThrowsAsync<SandboxNotFoundException>(() => provider.Directory.AttachAsync(sandbox.Id));
    }

    [Fact]
    public async Task Disposing_an_attached_sandbox_leaves_the_kernel_for_the_sandbox_that_created_it()
    {
        await using var owner = await NewProvider().CreateAsync();
        await owner.ExecuteAsync("n = 1");

        await using (var attached = await NewProvider().Directory.AttachAsync(owner.Id))
        {
            await attached.ExecuteAsync("n += 1");
        }

        Assert.Equal("2", (await owner.ExecuteAsync("print(n)")).Text);
    }

    [Fact]
    public async Task Resetting_a_leased_sandbox_restarts_its_kernel_under_the_same_id_and_leaves_no_other_kernel()
    {
        var provider = NewProvider();
        await using var sandbox = await provider.CreateAsync(new SandboxRequest { Lease = s_lease });
        try
        {
            await sandbox.ExecuteAsync("before_reset = 1");
            var kernels = await server.ListKernelIdsAsync();

            await sandbox.ResetAsync();

            var error = await Assert.ThrowsAsync<ExecutionException>(() => sandbox.ExecuteAsync("before_reset"));
            Assert.Equal("NameError", error.ErrorName);
            Assert.Equal(kernels.Order(), (await server.ListKernelIdsAsync()).Order());
            Assert.Equal(sandbox.Id, sandbox.GetService<ExecutionClient>()?.KernelId);
            await sandbox.ExecuteAsync("after_reset = 2");
            await using var attached = await NewProvider().Directory.AttachAsync(sandbox.Id);
            Assert.Equal("2", (await attached.ExecuteAsync("print(after_reset)")).Text);
        }
        finally
        {
            await provider.Directory.DeleteAsync(sandbox.Id);
        }
    }

    [Fact]
    public async Task A_kept_sandbox_whose_kernel_was_deleted_elsewhere_is_unavailable_and_its_reset_starts_no_other_kernel()
    {
        await using var sandbox = await NewProvider().CreateAsync(new SandboxRequest { Lease = s_lease });
        await sandbox.ExecuteAsync("x = 1");
        var others = (await server.ListKernelIdsAsync()).Where(id => id != sandbox.Id).Order().ToList();

        Assert.True(await NewProvider().Directory.DeleteAsync(sandbox.Id));

        await Assert.ThrowsAsync<SandboxUnavailableException>(() => sandbox.ResetAsync());
        await Assert.ThrowsAsync<SandboxUnavailableException>(() => sandbox.ExecuteAsync("print(x)"));
        Assert.Equal(others, (await server.ListKernelIdsAsync()).Order());
    }

    [Fact]
    public async Task Metadata_and_snapshots_are_still_refused_and_a_lease_must_be_positive()
    {
        var provider = NewProvider();
        var before = await server.ListKernelIdsAsync();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["tenant"] = "contoso" };

        var withMetadata = await Assert.ThrowsAsync<NotSupportedException>(() => provider.CreateAsync(new SandboxRequest { Lease = s_lease, Metadata = metadata }));
        await Assert.ThrowsAsync<NotSupportedException>(() => provider.CreateAsync(new SandboxRequest { Snapshot = "s" }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => provider.CreateAsync(new SandboxRequest { Lease = TimeSpan.Zero }));

        Assert.Contains("durable sessions", withMetadata.Message);
        Assert.Equal(before.Order(), (await server.ListKernelIdsAsync()).Order());
    }
}
