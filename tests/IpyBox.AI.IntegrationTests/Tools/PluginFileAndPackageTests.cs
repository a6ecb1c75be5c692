namespace IpyBox.AI.IntegrationTests.Tools;

/// <summary>The file, package and reset tools, called directly as the function-invoking client would.</summary>
public sealed class PluginFileAndPackageTests : IDisposable
{
    private readonly TempDirectory _root = new("ipybox-tools-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Files_move_between_an_allowed_host_directory_and_the_sandbox()
    {
        var allowed = _root.CreateDirectory("allowed");
        await File.WriteAllTextAsync(Path.Combine(allowed, "numbers.csv"), "n\n1\n2\n3\n");
        var options = new IpyBoxOptions();
        options.AllowedHostDirectories.Add(allowed);
        await using var scope = await SessionManagerScope.CreateAsync(options);
        var plugin = scope.Manager.CreatePlugin("files");

        var uploaded = await plugin.UploadFileAsync(Path.Combine(allowed, "numbers.csv"), "data/numbers.csv");
        var run = await plugin.ExecutePythonAsync("import pandas as pd\ntotal = pd.read_csv('data/numbers.csv').n.sum()\nopen('data/total.txt', 'w').write(str(total))\nprint(total)");
        var listing = await plugin.ListFilesAsync("data");
        var downloaded = await plugin.DownloadFileAsync("data/total.txt", Path.Combine(allowed, "out", "total.txt"));

        Assert.StartsWith("Uploaded ", uploaded, StringComparison.Ordinal);
        Assert.Equal("6", ScriptedChatClient.TextOf(new(string.Empty, run)));
        Assert.Contains("numbers.csv  (8 bytes)", listing, StringComparison.Ordinal);
        Assert.Contains("total.txt  (1 bytes)", listing, StringComparison.Ordinal);
        Assert.StartsWith("Downloaded /app/data/total.txt", downloaded, StringComparison.Ordinal);
        Assert.Equal("6", await File.ReadAllTextAsync(Path.Combine(allowed, "out", "total.txt")));
    }

    [Fact]
    public async Task Host_paths_outside_the_allowed_directories_are_refused()
    {
        var allowed = _root.CreateDirectory("allowed");
        var outside = _root.CreateDirectory("outside");
        await File.WriteAllTextAsync(Path.Combine(outside, "secret.txt"), "secret");
        Directory.CreateSymbolicLink(Path.Combine(allowed, "link"), outside);
        var options = new IpyBoxOptions();
        options.AllowedHostDirectories.Add(allowed);
        await using var scope = await SessionManagerScope.CreateAsync(options);
        var plugin = scope.Manager.CreatePlugin("refusals");

        var results = new[]
        {
            await plugin.UploadFileAsync(Path.Combine(outside, "secret.txt"), "secret.txt"),
            await plugin.UploadFileAsync(Path.Combine(allowed, "..", "outside", "secret.txt"), "secret.txt"),
            await plugin.UploadFileAsync(Path.Combine(allowed, "link", "secret.txt"), "secret.txt"),
            await plugin.DownloadFileAsync("anything.txt", Path.Combine(outside, "written.txt")),
            await plugin.DownloadFileAsync("anything.txt", Path.Combine(allowed, "link", "written.txt")),
        };

        Assert.All(results, r => Assert.StartsWith("Error: Access denied: The host path", r, StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(outside, "written.txt")));
        // Refusals happen before any sandbox is needed.
        Assert.Equal(0, scope.Manager.Count);

        var noneAllowed = await SessionManagerScope.CreateAsync();
        await using (noneAllowed)
        {
            var refused = await noneAllowed.Manager.CreatePlugin("closed").UploadFileAsync(Path.Combine(allowed, "x.txt"), "x.txt");
            Assert.Contains("No host directory is allowed", refused, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_sandbox_side_is_confined_to_app()
    {
        var allowed = _root.CreateDirectory("allowed");
        var options = new IpyBoxOptions();
        options.AllowedHostDirectories.Add(allowed);
        await using var scope = await SessionManagerScope.CreateAsync(options);
        var plugin = scope.Manager.CreatePlugin("confined");

        Assert.Contains("escapes /app", await plugin.DownloadFileAsync("../etc/passwd", Path.Combine(allowed, "passwd")), StringComparison.Ordinal);
        Assert.Contains("absolute", await plugin.DownloadFileAsync("/etc/passwd", Path.Combine(allowed, "passwd")), StringComparison.Ordinal);
        Assert.Contains("escapes /app", await plugin.ListFilesAsync("../.."), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(allowed, "passwd")));
    }

    [Fact]
    public async Task Packages_install_into_the_kernel_environment_and_reset_clears_state_but_keeps_them()
    {
        await using var scope = await SessionManagerScope.CreateAsync();
        var plugin = scope.Manager.CreatePlugin("packages");

        // No package index is reachable: build a wheel inside the sandbox and install it from its path.
        await plugin.ExecutePythonAsync("""
            import zipfile, os
            os.makedirs('wheels', exist_ok=True)
            files = {
                'ipybox_demo/__init__.py': 'ANSWER = 42\n',
                'ipybox_demo-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: ipybox-demo\nVersion: 1.0\n',
                'ipybox_demo-1.0.dist-info/WHEEL': 'Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
            }
            with zipfile.ZipFile('wheels/ipybox_demo-1.0-py3-none-any.whl', 'w') as whl:
                for name, text in files.items():
                    whl.writestr(name, text)
                whl.writestr('ipybox_demo-1.0.dist-info/RECORD', ''.join(f'{n},,\n' for n in files) + 'ipybox_demo-1.0.dist-info/RECORD,,\n')
            marker = 'before reset'
            """);

        var installed = await plugin.InstallPackagesAsync("/app/wheels/ipybox_demo-1.0-py3-none-any.whl");
        var imported = await plugin.ExecutePythonAsync("import ipybox_demo\nprint(ipybox_demo.ANSWER)");
        var failed = await plugin.InstallPackagesAsync("/app/wheels/missing-1.0-py3-none-any.whl");
        var option = await plugin.InstallPackagesAsync("--index-url http://example.invalid requests");
        var reset = await plugin.ResetKernelAsync();
        var afterReset = await plugin.ExecutePythonAsync("print('marker' in globals())\nimport ipybox_demo\nprint(ipybox_demo.ANSWER)");

        Assert.StartsWith("Installed /app/wheels/ipybox_demo-1.0-py3-none-any.whl", installed, StringComparison.Ordinal);
        Assert.Contains("Successfully installed ipybox-demo-1.0", installed, StringComparison.Ordinal);
        Assert.Equal("42", Text(imported));
        Assert.StartsWith("Error: installing /app/wheels/missing-1.0-py3-none-any.whl failed", failed, StringComparison.Ordinal);
        Assert.StartsWith("Error: '--index-url' is a pip option", option, StringComparison.Ordinal);
        Assert.StartsWith("The kernel was restarted", reset, StringComparison.Ordinal);
        Assert.Equal("False\n42", Text(afterReset));
    }

    private static string Text(IList<Microsoft.Extensions.AI.AIContent> contents) => ScriptedChatClient.TextOf(new(string.Empty, contents));
}
