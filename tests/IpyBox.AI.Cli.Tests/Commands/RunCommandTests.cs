using System.Text.Json;

namespace IpyBox.AI.Cli.Tests.Commands;

/// <summary><c>ipybox run</c> as a user runs it: a fresh sandbox per call, removed afterwards.</summary>
public sealed class RunCommandTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();
    private readonly TempDirectory _directory = new("ipybox-run-tests-");

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public async Task DisposeAsync()
    {
        await DockerEngine.RemoveAllAsync(_runId);
        _directory.Dispose();
    }

    [Fact]
    public async Task Prints_the_output_saves_images_and_removes_the_sandbox()
    {
        var code = "import matplotlib.pyplot as plt\nprint('hello from the sandbox')\nplt.plot([1, 2])\nplt.show()\n6 * 7";

        var run = await RunAsync([code, "--output-dir", _directory.FullName]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("hello from the sandbox\n42\n", run.Stdout.Replace("\r\n", "\n", StringComparison.Ordinal));
        var image = _directory.Combine("ipybox-image-1.png");
        Assert.Contains(image, run.Stderr, StringComparison.Ordinal);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, (await File.ReadAllBytesAsync(image))[..4]);
        Assert.Empty(await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId));
    }

    [Fact]
    public async Task Limit_options_reach_the_sandbox()
    {
        var code = """
            import os
            memory = next(open(p).read().strip() for p in ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes'] if os.path.exists(p))
            pids = next(open(p).read().strip() for p in ['/sys/fs/cgroup/pids.max', '/sys/fs/cgroup/pids/pids.max'] if os.path.exists(p))
            app = os.statvfs('/app')
            print(memory, pids, app.f_blocks * app.f_frsize)
            """;

        var run = await RunAsync([code, "--memory", "640m", "--pids-limit", "300", "--cpus", "1", "--app-size", "32m", "--runtime", "runc"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"{640L << 20} 300 {32L << 20}", run.Stdout.Trim());
    }

    [Fact]
    public async Task Notebook_writes_the_cell_and_its_outputs_as_ipynb()
    {
        var code = "import matplotlib.pyplot as plt\nprint('hello')\nplt.plot([1, 2])\nplt.show()\n6 * 7";
        var path = _directory.Combine("out", "run.ipynb");

        var run = await RunAsync([code, "--output-dir", _directory.FullName, "--notebook", path]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(path, run.Stderr, StringComparison.Ordinal);
        using var notebook = JsonDocument.Parse(await File.ReadAllBytesAsync(path));
        Assert.Equal(4, notebook.RootElement.GetProperty("nbformat").GetInt32());
        var cell = Assert.Single(notebook.RootElement.GetProperty("cells").EnumerateArray());
        Assert.Equal(code, cell.GetProperty("source").GetString());
        Assert.Equal(1, cell.GetProperty("execution_count").GetInt32());
        var outputs = cell.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(["stream", "display_data", "execute_result"], outputs.Select(o => o.GetProperty("output_type").GetString()));
        Assert.Equal("hello\n", outputs[0].GetProperty("text").GetString());
        Assert.Equal(
            await File.ReadAllBytesAsync(_directory.Combine("ipybox-image-1.png")),
            Convert.FromBase64String(outputs[1].GetProperty("data").GetProperty("image/png").GetString()!));
        Assert.Equal("42", outputs[2].GetProperty("data").GetProperty("text/plain").GetString());
    }

    [Fact]
    public async Task Notebook_of_failing_code_ends_with_the_error()
    {
        var path = _directory.Combine("failed.ipynb");

        var run = await RunAsync(["print('partial')\nraise KeyError('missing key')", "--notebook", path]);

        Assert.Equal(1, run.ExitCode);
        using var notebook = JsonDocument.Parse(await File.ReadAllBytesAsync(path));
        var outputs = notebook.RootElement.GetProperty("cells")[0].GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(["stream", "error"], outputs.Select(o => o.GetProperty("output_type").GetString()));
        Assert.Equal("KeyError", outputs[1].GetProperty("ename").GetString());
        Assert.Contains(outputs[1].GetProperty("traceback").EnumerateArray(), line => line.GetString()!.Contains("missing key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reads_the_code_from_stdin()
    {
        var run = await RunAsync(["-"], stdin: "import sys\nprint('read', 'from', 'stdin', file=sys.stdout)\n");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("read from stdin", run.Stdout.Trim());
    }

    [Fact]
    public async Task A_python_error_exits_1_with_the_traceback_after_the_output()
    {
        var run = await RunAsync(["print('partial output')\nraise KeyError('missing key')"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("partial output", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("KeyError", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("missing key", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Traceback", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escape_sequences_from_the_sandbox_are_shown_not_executed_and_colours_kept()
    {
        var code = """
            import sys
            sys.stdout.write('\x1b]0;pwned\x07'); sys.stdout.flush()
            sys.stdout.write('\x1b]52;c;ZXZpbA==\x07\x1b[2J\u009b31m\u202e')
            sys.stdout.write('\x1b[31mred\x1b'); sys.stdout.flush()
            sys.stdout.write('[0m done\n'); sys.stdout.flush()
            raise ValueError('\x1b]0;from-the-traceback\x07')
            """;

        var shown = await RunAsync([code]);
        var raw = await RunAsync(["""import sys; sys.stdout.write('\x1b]0;pwned\x07raw\n')""", "--raw"]);

        Assert.Equal(1, shown.ExitCode);
        Assert.DoesNotContain("\u001b]", shown.Stdout + shown.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain('\u0007', shown.Stdout + shown.Stderr);
        Assert.DoesNotContain('\u009b', shown.Stdout);
        Assert.DoesNotContain('\u202e', shown.Stdout);
        Assert.Contains("^[]0;pwned^G^[]52;c;ZXZpbA==^G^[[2J\\u009B31m\\u202E\u001b[31mred\u001b[0m done", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("from-the-traceback", shown.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, raw.ExitCode);
        Assert.Contains("\u001b]0;pwned\u0007raw", raw.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_timeout_interrupts_the_code_and_exits_124()
    {
        var run = await RunAsync(["import time\nprint('started', flush=True)\ntime.sleep(60)", "--timeout", "2"]);

        Assert.Equal(124, run.ExitCode);
        Assert.Contains("started", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("interrupted", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId));
    }

    [Fact]
    public async Task Passes_environment_variables_env_files_and_bind_mounts()
    {
        var envFile = _directory.Combine("sandbox.env");
        await File.WriteAllTextAsync(envFile, "# settings\nFROM_FILE=\"file value\"\n\nexport SECOND=2\n");
        var shared = _directory.Combine("shared");
        Directory.CreateDirectory(shared);
        await File.WriteAllTextAsync(Path.Combine(shared, "input.txt"), "bound file");

        var run = await RunAsync(
        [
            "import os\nprint(os.environ['FROM_ARG'], os.environ['FROM_FILE'], os.environ['SECOND'])\nprint(open('data/input.txt').read())",
            "--env", "FROM_ARG=arg value", "--env-file", envFile, "--bind", $"{shared}:data",
        ]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("arg value file value 2\nbound file\n", run.Stdout.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_image_that_does_not_exist_is_a_clear_error()
    {
        var run = await RunAsync(["print(1)", "--image", $"ipybox-cli-tests-missing:{_runId}"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"ipybox-cli-tests-missing:{_runId}", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_C_removes_the_sandbox_and_exits_130()
    {
        // A test run started as a background job inherits SIGINT ignored, and a process keeps ignoring what it was started
        // ignoring; give the tool the default disposition, as a terminal would.
        var start = new System.Diagnostics.ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add(IpyBoxTool.DotnetPath);
        foreach (var argument in IpyBoxTool.Arguments("run", "--label", $"{DockerEngine.TestLabel}={_runId}", "import time\nprint('started', flush=True)\ntime.sleep(120)"))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => { if (e.Data == "started") { started.TrySetResult(); } };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Interrupt while the cell runs.
            await started.Task.WaitAsync(TimeSpan.FromMinutes(2));
            Assert.NotEmpty(await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId));
            var signal = await IpyBoxTool.RunProcessAsync("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Assert.True(signal.ExitCode == 0, signal.ToString());
            using var exit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(exit.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.Equal(130, process.ExitCode);
        Assert.Empty(await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId));
    }

    private Task<ProcessResult> RunAsync(string[] arguments, string? stdin = null) =>
        IpyBoxTool.RunAsync(["run", "--label", $"{DockerEngine.TestLabel}={_runId}", .. arguments], stdin, _directory.FullName);
}
