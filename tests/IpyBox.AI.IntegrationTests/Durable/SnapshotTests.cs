using Docker.DotNet.Models;

namespace IpyBox.AI.IntegrationTests;

/// <summary>Snapshots on a real engine: a sandbox's files and runtime-installed packages saved under a name, new sandboxes and a warm pool started from them, and deletion without leftovers.</summary>
[Collection(DurableSandboxCollection.Name)]
public sealed class SnapshotTests(DurableSandboxFixture fixture)
{
    [Fact]
    public async Task A_snapshot_starts_sandboxes_and_a_pool_with_its_files_and_packages()
    {
        using var host = new TempDirectory("ipybox-snapshot-wheel-");
        var package = "snapwheel" + fixture.RunId[..8];
        var name = "env-" + fixture.RunId;
        var wheel = TestWheel.Create(host.FullName, package, "2.0.0", "def hello():\n    return 'from the snapshot'\n");
        var provider = fixture.NewProvider();

        // A sandbox that is not durable keeps its packages in memory: the snapshot reads them while it runs.
        await using (var source = await provider.CreateAsync())
        {
            await source.Files.UploadFileAsync(wheel, $"wheels/{Path.GetFileName(wheel)}");
            await source.ExecuteAsync($"!pip install --no-index wheels/{Path.GetFileName(wheel)}", TimeSpan.FromMinutes(3));
            await source.ExecuteAsync("import os\nos.makedirs('data', exist_ok=True)\nopen('data/prepared.csv', 'w').write('a,b\\n1,2\\n')");
            var snapshot = await provider.Snapshots.CreateSnapshotAsync(source.Id, name);

            Assert.Equal(name, snapshot.Name);
            Assert.Equal(source.Id, snapshot.SourceSandboxId);
            // What the snapshot adds (a small wheel and a csv), not the image it extends (over a gigabyte).
            Assert.InRange(snapshot.SizeBytes, 1, 20L << 20);
        }

        Assert.Contains(await provider.Snapshots.ListSnapshotsAsync(), s => s.Name == name);
        var check = $"import {package}, pandas\nprint({package}.hello(), pandas.read_csv('data/prepared.csv').b.sum())";

        await using (var started = await provider.CreateAsync(new SandboxRequest { Snapshot = name, Lease = TimeSpan.FromMinutes(5) }))
        {
            Assert.Equal("from the snapshot 2", (await started.ExecuteAsync(check)).Text);
            Assert.Equal(name, (await provider.Directory.FindAsync(started.Id))!.Snapshot);
            await provider.Directory.DeleteAsync(started.Id);
        }

        await using (var pool = new PoolingSandboxProvider(provider, new WarmPoolOptions { MinWarm = 1, MaxTotal = 2, Snapshot = name }))
        {
            await pool.FillAsync();
            await using var pooled = await pool.CreateAsync();
            Assert.Equal("from the snapshot 2", (await pooled.ExecuteAsync(check)).Text);
        }

        Assert.True(await provider.Snapshots.DeleteSnapshotAsync(name));
        Assert.False(await provider.Snapshots.DeleteSnapshotAsync(name));
        Assert.DoesNotContain(await provider.Snapshots.ListSnapshotsAsync(), s => s.Name == name);
        using var docker = DockerEngine.CreateClient();
        var images = await docker.Images.ListImagesAsync(new ImagesListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.Snapshot}={name}"] = true } },
        });
        Assert.Empty(images);
        var error = await Assert.ThrowsAsync<IpyBoxException>(() => provider.CreateAsync(new SandboxRequest { Snapshot = name }));
        Assert.Contains("No snapshot named", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stopped_durable_sandbox_can_be_snapshotted_and_names_are_checked()
    {
        var provider = fixture.NewProvider();
        var name = "stopped-" + fixture.RunId;
        await using var source = await provider.CreateAsync(new SandboxRequest { Lease = TimeSpan.FromMinutes(5) });
        await source.ExecuteAsync("open('kept.txt', 'w').write('after the stop')");
        await provider.Directory.StopAsync(source.Id);

        await provider.Snapshots.CreateSnapshotAsync(source.Id, name);
        await using (var started = await provider.CreateAsync(new SandboxRequest { Snapshot = name }))
        {
            Assert.Equal("after the stop", (await started.ExecuteAsync("print(open('kept.txt').read())")).Text);
        }

        await provider.Directory.DeleteAsync(source.Id);
        Assert.True(await provider.Snapshots.DeleteSnapshotAsync(name));
        await Assert.ThrowsAsync<ArgumentException>(() => provider.Snapshots.CreateSnapshotAsync(source.Id, "../evil"));
        await Assert.ThrowsAsync<SandboxNotFoundException>(() => provider.Snapshots.CreateSnapshotAsync(new string('b', 64), "fine"));
    }
}
