namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// Durable sandboxes on a real engine: ids that another provider (standing for another process) attaches to, pause and
/// stop with what each keeps, the lease and its sweep, deletion without leftovers, and listing by metadata. The attach from
/// a real second process after a SIGKILL is in the CLI tests.
/// </summary>
[Collection(DurableSandboxCollection.Name)]
public sealed class DurableSandboxTests(DurableSandboxFixture fixture)
{
    private static readonly TimeSpan s_lease = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Another_provider_attaches_by_id_and_finds_the_variable_and_the_file()
    {
        var creator = fixture.NewProvider();
        string id;
        await using (var sandbox = await creator.CreateAsync(new SandboxRequest { Lease = s_lease }))
        {
            id = sandbox.Id;
            await sandbox.ExecuteAsync("secret = 6 * 7\nopen('kept.txt', 'w').write('on disk')");
        }

        Assert.True(await DockerEngine.ContainerExistsAsync(id));
        var directory = fixture.NewProvider().Directory;
        await using var attached = await directory.AttachAsync(id);
        var result = await attached.ExecuteAsync("print(secret, open('kept.txt').read())");

        Assert.Equal(id, attached.Id);
        Assert.Equal("42 on disk", result.Text);
        Assert.Null(result.Notice);
    }

    [Fact]
    public async Task Disposing_an_attached_sandbox_leaves_it_and_its_kernel_for_its_owner()
    {
        var owner = fixture.NewProvider();
        await using var sandbox = await owner.CreateAsync();
        await sandbox.ExecuteAsync("n = 1");

        await using (var attached = await fixture.NewProvider().Directory.AttachAsync(sandbox.Id[..12]))
        {
            await attached.ExecuteAsync("n += 1");
        }

        var result = await sandbox.ExecuteAsync("print(n)");
        Assert.Equal("2", result.Text);
    }

    [Fact]
    public async Task Pause_then_attach_continues_with_variables_intact()
    {
        var provider = fixture.NewProvider();
        string id;
        await using (var sandbox = await provider.CreateAsync(new SandboxRequest { Lease = s_lease }))
        {
            id = sandbox.Id;
            await sandbox.ExecuteAsync("import time\nstarted = time.monotonic()\ncounter = 7");
        }

        await provider.Directory.PauseAsync(id, TimeSpan.FromHours(2));
        var paused = await provider.Directory.FindAsync(id);

        Assert.Equal(SandboxState.Paused, paused!.State);
        Assert.InRange(paused.LeaseExpires!.Value, DateTimeOffset.UtcNow + TimeSpan.FromMinutes(119), DateTimeOffset.UtcNow + TimeSpan.FromMinutes(121));

        await using var resumed = await fixture.NewProvider().Directory.AttachAsync(id);
        var result = await resumed.ExecuteAsync("print(counter + 1)");

        Assert.Equal("8", result.Text);
        Assert.Null(result.Notice);
        Assert.Equal(SandboxState.Running, (await provider.Directory.FindAsync(id))!.State);
    }

    [Fact]
    public async Task Stop_then_attach_keeps_files_and_a_runtime_installed_package_and_says_variables_are_lost()
    {
        using var host = new TempDirectory("ipybox-durable-wheel-");
        var name = "durablewheel" + fixture.RunId[..8];
        var wheel = TestWheel.Create(host.FullName, name, "1.0.0", "def answer():\n    return 42\n");
        var provider = fixture.NewProvider();
        string id;
        await using (var sandbox = await provider.CreateAsync(new SandboxRequest { Lease = s_lease }))
        {
            id = sandbox.Id;
            await sandbox.Files.UploadFileAsync(wheel, $"wheels/{Path.GetFileName(wheel)}");
            await sandbox.ExecuteAsync($"!pip install --no-index wheels/{Path.GetFileName(wheel)}", TimeSpan.FromMinutes(3));
            await sandbox.ExecuteAsync("lost = 1\nopen('notes.txt', 'w').write('kept')");
        }

        await provider.Directory.StopAsync(id);
        Assert.Equal(SandboxState.Stopped, (await provider.Directory.FindAsync(id))!.State);

        await using var resumed = await fixture.NewProvider().Directory.AttachAsync(id);
        var first = await resumed.ExecuteAsync($"import {name}\nprint({name}.answer(), open('notes.txt').read(), 'lost' in globals())");
        var second = await resumed.ExecuteAsync("print('again')");

        Assert.Equal("42 kept False", first.Text);
        Assert.Equal(DockerSandboxProvider.KernelStateLostNotice, first.Notice);
        Assert.Null(second.Notice);
    }

    [Fact]
    public async Task After_an_attach_a_crash_is_not_blamed_on_memory_an_earlier_process_ran_out_of()
    {
        var provider = fixture.NewProvider(options => options.MemoryLimitBytes = 256L << 20);
        string id;
        await using (var sandbox = await provider.CreateAsync(new SandboxRequest { Lease = s_lease }))
        {
            id = sandbox.Id;
            var oom = await Assert.ThrowsAsync<KernelDiedException>(() => sandbox.ExecuteAsync("blocks = []\nwhile True:\n    blocks.append(b'x' * (32 << 20))", TimeSpan.FromMinutes(1)));
            Assert.Contains("OOM-killed", oom.Message, StringComparison.Ordinal);
        }

        // Another process, with other options: the sandbox's own limit is named, and only kills from now on count.
        await using var attached = await fixture.NewProvider().Directory.AttachAsync(id);
        var crash = await Assert.ThrowsAsync<KernelDiedException>(() => attached.ExecuteAsync("import os\nos._exit(3)"));
        Assert.DoesNotContain("OOM-killed", crash.Message, StringComparison.Ordinal);

        var second = await Assert.ThrowsAsync<KernelDiedException>(() => attached.ExecuteAsync("blocks = []\nwhile True:\n    blocks.append(b'x' * (32 << 20))", TimeSpan.FromMinutes(1)));
        Assert.Contains("memory limit of 256 MiB", second.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pause_and_a_stop_within_one_second_both_set_the_lease()
    {
        // Both set the same expiry (whole seconds in the container's name): the second rename is to the current name.
        var provider = fixture.NewProvider();
        string id;
        await using (var sandbox = await provider.CreateAsync(new SandboxRequest { Lease = s_lease }))
        {
            id = sandbox.Id;
        }

        await provider.Directory.PauseAsync(id);
        await provider.Directory.StopAsync(id);
        await provider.Directory.StopAsync(id);

        var info = await provider.Directory.FindAsync(id);
        Assert.Equal(SandboxState.Stopped, info!.State);
        Assert.False(info.IsExpired(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task A_file_written_in_a_loop_during_a_stop_is_intact_up_to_the_last_flushed_write()
    {
        var provider = fixture.NewProvider();
        await using var sandbox = await provider.CreateAsync(new SandboxRequest { Lease = s_lease });
        var execution = await sandbox.SubmitAsync("""
            import time
            with open('log.txt', 'w') as f:
                for i in range(1_000_000):
                    f.write(f'line {i:07d}\n')
                    f.flush()
                    print(f'flushed {i}', flush=True)
                    time.sleep(0.002)
            """, TimeSpan.FromMinutes(5));
        var lastFlushed = -1;
        await foreach (var chunk in execution.StreamAsync())
        {
            foreach (var line in chunk.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.StartsWith("flushed ", StringComparison.Ordinal) && int.TryParse(line[8..], out var n))
                {
                    lastFlushed = Math.Max(lastFlushed, n);
                }
            }

            if (lastFlushed >= 300)
            {
                break;
            }
        }

        await provider.Directory.StopAsync(sandbox.Id);
        await using var resumed = await fixture.NewProvider().Directory.AttachAsync(sandbox.Id);
        using var local = new TempDirectory("ipybox-durable-log-");
        await resumed.Files.DownloadFileAsync("log.txt", local.Combine("log.txt"));
        var lines = File.ReadAllText(local.Combine("log.txt")).Split('\n');

        // Every complete line is in order, the last one may be cut only where no flush had returned yet.
        var complete = lines[..^1];
        Assert.True(complete.Length > lastFlushed, $"{complete.Length} complete lines, the cell had flushed line {lastFlushed}");
        for (var i = 0; i < complete.Length; i++)
        {
            Assert.Equal($"line {i:0000000}", complete[i]);
        }
    }

    [Fact]
    public async Task The_sweep_removes_an_expired_lease_and_never_a_live_one_held_by_another_provider()
    {
        var shortLease = TimeSpan.FromSeconds(4);
        var creator = fixture.NewProvider();
        string abandoned;
        await using (var sandbox = await creator.CreateAsync(new SandboxRequest { Lease = shortLease }))
        {
            abandoned = sandbox.Id;
        }

        // Held by a provider that stands for a live process: it renews every third of the lease. The wait outlasts that lease,
        // so only the renewals keep it; the lease is long enough that a renewal delayed by a loaded machine still comes in time
        // (with 4 s, a sweep of a concurrent test once removed it).
        var heldLease = TimeSpan.FromSeconds(12);
        await using var held = await fixture.NewProvider().CreateAsync(new SandboxRequest { Lease = heldLease });
        await Task.Delay(heldLease + TimeSpan.FromSeconds(2));

        // Any process's sweep may remove an expired sandbox (a provider of another test without labels sees every one), so
        // the abandoned one is either gone already or removed by this sweep; either way the live one stays.
        var sweptElsewhere = !await DockerEngine.ContainerExistsAsync(abandoned);
        var removed = await fixture.NewProvider().Directory.RemoveExpiredAsync();

        Assert.True(sweptElsewhere || removed.Any(sandbox => sandbox.Id == abandoned), "the expired sandbox was neither swept before nor by this sweep");
        Assert.DoesNotContain(removed, sandbox => sandbox.Id == held.Id);
        Assert.False(await DockerEngine.ContainerExistsAsync(abandoned));
        Assert.Equal("alive", (await held.ExecuteAsync("print('alive')")).Text);
        Assert.False((await creator.Directory.FindAsync(held.Id))!.IsExpired(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Delete_removes_the_container_and_its_volumes_whatever_its_state()
    {
        var provider = fixture.NewProvider();
        var ids = new List<string>();
        foreach (var state in new[] { SandboxState.Running, SandboxState.Paused, SandboxState.Stopped })
        {
            await using var sandbox = await provider.CreateAsync(new SandboxRequest { Lease = s_lease });
            await sandbox.ExecuteAsync("open('f.txt', 'w').write('x')");
            ids.Add(sandbox.Id);
            if (state == SandboxState.Paused)
            {
                await provider.Directory.PauseAsync(sandbox.Id);
            }
            else if (state == SandboxState.Stopped)
            {
                await provider.Directory.StopAsync(sandbox.Id);
            }
        }

        Assert.NotEmpty(await fixture.VolumesAsync());
        foreach (var id in ids)
        {
            Assert.True(await provider.Directory.DeleteAsync(id));
            Assert.False(await provider.Directory.DeleteAsync(id));
        }

        foreach (var id in ids)
        {
            Assert.False(await DockerEngine.ContainerExistsAsync(id));
        }

        Assert.Empty(await fixture.VolumesAsync());
        await Assert.ThrowsAsync<SandboxNotFoundException>(() => provider.Directory.AttachAsync(ids[0]));
    }

    [Fact]
    public async Task Sandboxes_are_listed_by_metadata_conversation_and_state()
    {
        var provider = fixture.NewProvider();
        var tenant = "t" + fixture.RunId[..6];
        await using var a = await provider.CreateAsync(new SandboxRequest
        {
            Lease = s_lease,
            ConversationKey = "thread-a",
            Metadata = new Dictionary<string, string> { ["tenant"] = tenant, ["user"] = "ann" },
        });
        await using var b = await provider.CreateAsync(new SandboxRequest
        {
            Lease = s_lease,
            Metadata = new Dictionary<string, string> { ["tenant"] = tenant, ["user"] = "bob" },
        });
        await provider.Directory.PauseAsync(b.Id);

        var byTenant = new SandboxQuery();
        byTenant.Metadata["tenant"] = tenant;
        var byUser = new SandboxQuery();
        byUser.Metadata["user"] = "ann";
        byUser.Metadata["tenant"] = tenant;

        var all = await provider.Directory.ListAsync(byTenant);
        var ann = Assert.Single(await provider.Directory.ListAsync(byUser));
        var paused = Assert.Single(await provider.Directory.ListAsync(new SandboxQuery { State = SandboxState.Paused, Metadata = { ["tenant"] = tenant } }));
        var thread = Assert.Single(await provider.Directory.ListAsync(new SandboxQuery { ConversationKey = "thread-a" }));

        Assert.Equal([b.Id, a.Id], all.Select(s => s.Id));
        Assert.Equal(a.Id, ann.Id);
        Assert.Equal("ann", ann.Metadata["user"]);
        Assert.Equal("thread-a", ann.ConversationKey);
        Assert.Equal(s_lease, ann.Lease);
        Assert.Equal(b.Id, paused.Id);
        Assert.Equal(a.Id, thread.Id);
        await provider.Directory.DeleteAsync(a.Id);
        await provider.Directory.DeleteAsync(b.Id);
    }

    [Fact]
    public async Task Two_attached_providers_share_the_kernel_and_their_executions_queue()
    {
        var provider = fixture.NewProvider();
        await using var first = await provider.CreateAsync(new SandboxRequest { Lease = s_lease });
        await first.ExecuteAsync("total = 0");
        await using var second = await fixture.NewProvider().Directory.AttachAsync(first.Id);

        var work = Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? first : second).ExecuteAsync("total += 1\nprint(total)"));
        var results = await Task.WhenAll(work);

        Assert.Equal(Enumerable.Range(1, 10).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), results.Select(r => r.Text!).Order());
        Assert.Equal("10", (await second.ExecuteAsync("print(total)")).Text);
        await provider.Directory.DeleteAsync(first.Id);
    }

    [Fact]
    public async Task Metadata_and_ids_are_checked()
    {
        var provider = fixture.NewProvider();

        await Assert.ThrowsAsync<ArgumentException>(() => provider.CreateAsync(new SandboxRequest { Metadata = new Dictionary<string, string> { ["bad key"] = "x" } }));
        await Assert.ThrowsAsync<SandboxNotFoundException>(() => provider.Directory.AttachAsync("not-an-id"));
        await Assert.ThrowsAsync<SandboxNotFoundException>(() => provider.Directory.AttachAsync(new string('0', 64)));
        Assert.Null(await provider.Directory.FindAsync(new string('a', 12)));
    }
}
