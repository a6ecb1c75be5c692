namespace IpyBox.AI.Cli.Tests.Commands;

/// <summary>The packed dotnet tool installs from a local folder and runs.</summary>
public sealed class ToolPackageTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();
    private readonly TempDirectory _directory = new("ipybox-tool-tests-");

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public async Task DisposeAsync()
    {
        await DockerEngine.RemoveAllAsync(_runId);
        _directory.Dispose();
    }

    [Fact]
    public async Task Pack_install_with_add_source_and_run()
    {
        var packages = _directory.Combine("packages");
        var tools = _directory.Combine("tools");
        var project = Repository.Combine("src", "IpyBox.AI.Cli", "IpyBox.AI.Cli.csproj");

        var pack = await IpyBoxTool.RunProcessAsync(IpyBoxTool.DotnetPath, ["pack", project, "-o", packages, "-p:PackageVersion=0.0.1-test"]);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        Assert.True(File.Exists(Path.Combine(packages, "IpyBox.AI.Cli.0.0.1-test.nupkg")), pack.ToString());

        var install = await IpyBoxTool.RunProcessAsync(
            IpyBoxTool.DotnetPath,
            ["tool", "install", "IpyBox.AI.Cli", "--tool-path", tools, "--add-source", packages, "--version", "0.0.1-test", "--ignore-failed-sources"],
            workingDirectory: _directory.FullName);
        Assert.True(install.ExitCode == 0, install.ToString());

        var ipybox = Path.Combine(tools, "ipybox");
        var help = await IpyBoxTool.RunProcessAsync(ipybox, ["--help"]);
        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (var command in new[] { "build", "run", "cleanup", "mcp" })
        {
            Assert.Contains(command, help.Stdout, StringComparison.Ordinal);
        }

        var run = await IpyBoxTool.RunProcessAsync(ipybox, ["run", "--label", $"{DockerEngine.TestLabel}={_runId}", "print(6 * 7)"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("42", run.Stdout.Trim());
    }
}
