using System.IO.Compression;
using System.Text;

namespace IpyBox.AI.Cli.Tests.Commands;

/// <summary><c>ipybox build</c> with a requirements file that names a local wheel (no package index is reachable).</summary>
public sealed class BuildCommandTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();
    private readonly TempDirectory _directory = new("ipybox-build-tests-");
    private readonly ThrowawayImage _image = ThrowawayImage.Reserve("cli-build");

    private string Tag => _image.Tag;

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public async Task DisposeAsync()
    {
        await DockerEngine.RemoveAllAsync(_runId);
        await _image.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Builds_an_image_with_a_local_wheel_that_run_can_use()
    {
        var wheels = _directory.Combine("wheels");
        Directory.CreateDirectory(wheels);
        WriteWheel(Path.Combine(wheels, "buildprobe-1.0-py3-none-any.whl"), "buildprobe", "baked into the image");
        await File.WriteAllTextAsync(_directory.Combine("requirements.txt"), "# local only\n--no-index\n./wheels/buildprobe-1.0-py3-none-any.whl\n");

        var build = await IpyBoxTool.RunAsync(["build", "-t", Tag, "-d", _directory.Combine("requirements.txt")], deadline: TimeSpan.FromMinutes(20));

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Equal(Tag, build.Stdout.Trim());
        Assert.Contains("Successfully installed buildprobe-1.0", build.Stderr, StringComparison.Ordinal);
        Assert.Contains("Step ", build.Stderr, StringComparison.Ordinal);

        var run = await IpyBoxTool.RunAsync(["run", "--image", Tag, "--label", $"{DockerEngine.TestLabel}={_runId}", "import buildprobe\nprint(buildprobe.MESSAGE)"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("baked into the image", run.Stdout.Trim());
    }

    [Fact]
    public async Task A_failing_build_exits_non_zero_with_the_error()
    {
        await File.WriteAllTextAsync(_directory.Combine("requirements.txt"), "--no-index\nipybox-package-that-does-not-exist==1.0\n");

        var build = await IpyBoxTool.RunAsync(["build", "-t", Tag, "-d", _directory.Combine("requirements.txt")], deadline: TimeSpan.FromMinutes(20));

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("No matching distribution found for ipybox-package-that-does-not-exist", build.Stderr, StringComparison.Ordinal);
        Assert.Contains("error: Building image", build.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, build.Stdout.Trim());
    }

    [Fact]
    public async Task A_missing_requirements_file_is_an_error()
    {
        var build = await IpyBoxTool.RunAsync(["build", "-t", Tag, "-d", _directory.Combine("missing.txt")]);

        Assert.Equal(1, build.ExitCode);
        Assert.Contains("missing.txt", build.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Writes a minimal pure-Python wheel with one module.</summary>
    private static void WriteWheel(string path, string name, string message)
    {
        using var archive = ZipFile.Open(path, ZipArchiveMode.Create);
        void Add(string entry, string content)
        {
            using var writer = new StreamWriter(archive.CreateEntry(entry).Open(), new UTF8Encoding(false));
            writer.Write(content);
        }

        Add($"{name}.py", $"MESSAGE = \"{message}\"\n");
        Add($"{name}-1.0.dist-info/METADATA", $"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n");
        Add($"{name}-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: ipybox-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
        Add($"{name}-1.0.dist-info/RECORD", string.Empty);
    }
}
