namespace IpyBox.AI.Cli.Tests.Commands;

/// <summary>The packed dotnet tool installs from a local folder and runs.</summary>
public sealed class ToolPackageTests : IAsyncLifetime
{
    private readonly string _runId = TestDocker.NewRunId();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"ipybox-tool-tests-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        await TestDocker.EnsureAvailableAsync();
        Directory.CreateDirectory(_directory);
    }

    public async Task DisposeAsync()
    {
        await TestDocker.RemoveAllAsync(_runId);
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Pack_install_with_add_source_and_run()
    {
        var packages = Path.Combine(_directory, "packages");
        var tools = Path.Combine(_directory, "tools");
        var project = Path.Combine(RepositoryRoot(), "src", "IpyBox.AI.Cli", "IpyBox.AI.Cli.csproj");

        var pack = await IpyBoxTool.RunProcessAsync(IpyBoxTool.DotnetPath, ["pack", project, "-o", packages, "-p:PackageVersion=0.0.1-test"]);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        Assert.True(File.Exists(Path.Combine(packages, "IpyBox.AI.Cli.0.0.1-test.nupkg")), pack.ToString());

        var install = await IpyBoxTool.RunProcessAsync(
            IpyBoxTool.DotnetPath,
            ["tool", "install", "IpyBox.AI.Cli", "--tool-path", tools, "--add-source", packages, "--version", "0.0.1-test", "--ignore-failed-sources"],
            workingDirectory: _directory);
        Assert.True(install.ExitCode == 0, install.ToString());

        var ipybox = Path.Combine(tools, "ipybox");
        var help = await IpyBoxTool.RunProcessAsync(ipybox, ["--help"]);
        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (var command in new[] { "build", "run", "cleanup", "mcp" })
        {
            Assert.Contains(command, help.Stdout, StringComparison.Ordinal);
        }

        var run = await IpyBoxTool.RunProcessAsync(ipybox, ["run", "--label", $"{TestDocker.TestLabel}={_runId}", "print(6 * 7)"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("42", run.Stdout.Trim());
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IpyBox.AI.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No IpyBox.AI.sln above {AppContext.BaseDirectory}.");
    }
}
