namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// <c>!pip install</c> and <c>%pip install</c> in a cell install into the kernel's virtual environment as the
/// unprivileged kernel user. No package index is reachable, so the packages are built by the tests themselves.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class PackageInstallTests(SandboxFixture sandbox) : IDisposable
{
    private readonly TempDirectory _host = new("ipybox-wheel-");
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Bang_pip_installs_an_uploaded_wheel_with_streamed_progress_and_it_imports_in_the_next_cell()
    {
        var name = $"ipyboxwheel{_suffix}";
        var wheel = TestWheel.Create(_host.FullName, name, "0.3.1", "VERSION = '0.3.1'\n\ndef greet(who):\n    return f'hello {who}'\n");
        await new ResourceClient(sandbox.Container).UploadFileAsync(wheel, $"wheels/{Path.GetFileName(wheel)}");

        await using var client = await sandbox.ConnectAsync();
        var missing = await Assert.ThrowsAsync<ExecutionException>(() => client.ExecuteAsync($"import {name}"));
        Assert.Contains("ModuleNotFoundError", missing.Message);

        var execution = await client.SubmitAsync($"!pip install --no-index wheels/{Path.GetFileName(wheel)}");
        var chunks = new List<string>();
        await foreach (var chunk in execution.StreamAsync())
        {
            chunks.Add(chunk);
        }

        var progress = string.Concat(chunks);
        Assert.Contains("Processing", progress);
        Assert.Contains($"Successfully installed {name}-0.3.1", progress);

        var result = await client.ExecuteAsync($"import os, {name}\nprint({name}.greet('sandbox'), {name}.VERSION, {name}.__file__.startswith('/opt/venv/'), os.getuid())");
        Assert.Equal("hello sandbox 0.3.1 True 1000", result.Text);
    }

    [Fact]
    public async Task Percent_pip_builds_and_installs_a_source_package_made_in_the_sandbox()
    {
        var name = $"ipyboxsdist{_suffix}";
        await using var client = await sandbox.ConnectAsync();
        await client.ExecuteAsync($$"""
            import os
            os.makedirs('src_{{name}}/{{name}}', exist_ok=True)
            open('src_{{name}}/{{name}}/__init__.py', 'w').write('def square(x):\n    return x * x\n')
            open('src_{{name}}/setup.py', 'w').write("from setuptools import setup\nsetup(name='{{name}}', version='1.2.0', packages=['{{name}}'])\n")
            """);

        var install = await client.ExecuteAsync($"%pip install --no-index --no-build-isolation ./src_{name}", TimeSpan.FromMinutes(3));
        Assert.Contains($"Successfully installed {name}-1.2.0", install.Text);

        var result = await client.ExecuteAsync($"import importlib.metadata, {name}\nprint({name}.square(7), importlib.metadata.version('{name}'))");
        Assert.Equal("49 1.2.0", result.Text);

        // Another kernel of the same container sees the package too: it lives in the shared environment.
        await using var other = await sandbox.ConnectAsync();
        Assert.Equal("9", (await other.ExecuteAsync($"import {name}\nprint({name}.square(3))")).Text);
    }
}
