namespace IpyBox.AI.IntegrationTests.Gvisor;

/// <summary>
/// Every shared sandbox behaviour (execution and state, streaming, images, errors, timeouts and cancellation, input,
/// reset, files) under gVisor, plus what running under it must not break: the runtime really is gVisor, the image's
/// init reaps as PID 1, and pip installs a package. The tests share one sandbox where they do not interfere.
/// </summary>
public sealed class GvisorSandboxBehaviorTests(GvisorProviderFixture fixture) : SandboxBehaviorTests<GvisorProviderFixture>(fixture)
{
    [Fact]
    public async Task The_sandbox_runs_under_gvisor_with_the_images_init_as_PID_1()
    {
        var container = Fixture.Sandbox.GetService<ExecutionContainer>();
        Assert.NotNull(container);
        using (var client = DockerEngine.CreateClient())
        {
            var host = (await client.Containers.InspectContainerAsync(container.ContainerId!)).HostConfig!;
            Assert.Equal(GvisorProviderFixture.Runtime, host.Runtime);
            Assert.False(host.Init); // the engine's init would make tini PID 2, where gVisor refuses it
            Assert.True(container.Options.Init); // left out without the caller changing the option
        }

        // gVisor's own kernel answers inside: its boot log, and the tini of the image as PID 1 with TINI_SUBREAPER set.
        var inside = await Fixture.Sandbox.ExecuteAsync("""
            import os, subprocess
            print(subprocess.run(['dmesg'], capture_output=True, text=True).stdout.splitlines()[0].split('] ', 1)[1])
            print(open('/proc/1/cmdline').read().split('\0')[0], os.environ.get('TINI_SUBREAPER'))
            """);
        Assert.Equal(["Starting gVisor...", "/usr/bin/tini 1"], inside.Text!.Split('\n'));
    }

    [Fact]
    public async Task Orphaned_processes_are_reaped_by_the_init()
    {
        // Children of a process that exits are handed to PID 1; once they exit, only an init that waits for them frees them.
        var result = await Fixture.Sandbox.ExecuteAsync("""
            import os, time
            def orphans_of_one_child(count):
                middle = os.fork()
                if middle == 0:
                    for _ in range(count):
                        if os.fork() == 0:
                            time.sleep(0.5)
                            os._exit(0)
                    os._exit(0)
                os.waitpid(middle, 0)
            def states():
                found = []
                for pid in filter(str.isdigit, os.listdir('/proc')):
                    try:
                        stat = open(f'/proc/{pid}/stat').read()
                    except OSError:
                        continue
                    found.append((stat.rsplit(') ', 1)[1][0], int(stat.rsplit(') ', 1)[1].split()[1])))
                return found
            orphans_of_one_child(5)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and any(state == 'Z' for state, _ in states()):
                time.sleep(0.2)
            print(sum(1 for state, _ in states() if state == 'Z'))
            """);
        Assert.Equal("0", result.Text);
    }

    [Fact]
    public async Task Pip_installs_an_uploaded_wheel_that_imports_in_the_next_cell()
    {
        using var host = new TempDirectory("ipybox-gvisor-wheel-");
        var name = "ipyboxgvisor" + Guid.NewGuid().ToString("N")[..8];
        var wheel = TestWheel.Create(host.FullName, name, "1.0.0", "def greet(who):\n    return f'hello {who}'\n");
        await Fixture.Sandbox.Files.UploadFileAsync(wheel, $"wheels/{Path.GetFileName(wheel)}");

        var install = await Fixture.Sandbox.ExecuteAsync($"!pip install --no-index wheels/{Path.GetFileName(wheel)}", TimeSpan.FromMinutes(3));
        Assert.Contains($"Successfully installed {name}-1.0.0", install.Text);

        var result = await Fixture.Sandbox.ExecuteAsync($"import os, {name}\nprint({name}.greet('gvisor'), {name}.__file__.startswith('/opt/venv/user/'), os.getuid())");
        Assert.Equal("hello gvisor True 1000", result.Text);
    }
}
