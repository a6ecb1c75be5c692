using System.Text.Json;
using System.Text.RegularExpressions;

namespace IpyBox.AI.Cli.Tests.Commands;

/// <summary>
/// <c>run --keep</c>, <c>exec</c>, <c>ls</c>, <c>pause</c>, <c>stop</c>, <c>resume</c> and <c>rm</c> as separate processes, the way a
/// user continues a sandbox from one shell command to the next. Each test's sandboxes carry its run id as a label (removed
/// afterwards whatever happened) and as metadata (so <c>ls</c> sees only them beside other tests' sandboxes).
/// </summary>
public sealed partial class DurableSandboxCommandsTests : IAsyncLifetime
{
    private readonly string _runId = DockerEngine.NewRunId();
    private readonly TempDirectory _directory = new("ipybox-durable-cli-tests-");

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public async Task DisposeAsync()
    {
        await DockerEngine.RemoveAllAsync(_runId);
        _directory.Dispose();
    }

    [Fact]
    public async Task Run_keep_leaves_the_sandbox_that_exec_continues_and_ls_finds_by_metadata()
    {
        var id = await RunKeptAsync("x = 41\nprint('first')", "--lease", "30m");

        var exec = await ToolAsync(["exec", id, "print(x + 1)"]);
        Assert.True(exec.ExitCode == 0, exec.ToString());
        Assert.Equal("42\n", exec.Stdout);

        // A 12-digit prefix, in capitals, and code from stdin.
        var prefix = await ToolAsync(["exec", id[..12].ToUpperInvariant()], stdin: "x * 2");
        Assert.True(prefix.ExitCode == 0, prefix.ToString());
        Assert.Equal("82\n", prefix.Stdout);

        var table = await ToolAsync(["ls", "--meta", $"run={_runId}"]);
        Assert.True(table.ExitCode == 0, table.ToString());
        var row = Assert.Single(table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => line.StartsWith(id[..12], StringComparison.Ordinal));
        Assert.Matches($@"^{id[..12]}\s+running\s+\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ \(in \d+m\d+s\)\s+.*run={_runId}$", row);

        var sandbox = Assert.Single(await ListJsonAsync());
        Assert.Equal(id, sandbox.GetProperty("id").GetString());
        Assert.Equal("running", sandbox.GetProperty("state").GetString());
        Assert.Equal(1800, sandbox.GetProperty("leaseSeconds").GetDouble());
        Assert.True(sandbox.GetProperty("leaseExpires").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        Assert.Equal(_runId, sandbox.GetProperty("metadata").GetProperty("run").GetString());

        var other = await ToolAsync(["ls", "--meta", $"run={_runId}-other", "--json"]);
        Assert.True(other.ExitCode == 0, other.ToString());
        Assert.Empty(JsonDocument.Parse(other.Stdout).RootElement.EnumerateArray());
    }

    [Fact]
    public async Task Pause_shows_in_ls_and_exec_resumes_with_the_variables()
    {
        var id = await RunKeptAsync("x = 41");

        var pause = await ToolAsync(["pause", id]);
        Assert.True(pause.ExitCode == 0, pause.ToString());
        Assert.Equal($"Paused {id}\n", pause.Stdout);
        Assert.Equal("paused", Assert.Single(await ListJsonAsync("--state", "paused")).GetProperty("state").GetString());
        Assert.Empty(await ListJsonAsync("--state", "running"));

        var exec = await ToolAsync(["exec", id, "print(x)"]);
        Assert.True(exec.ExitCode == 0, exec.ToString());
        Assert.Equal("41\n", exec.Stdout);
        Assert.DoesNotContain("notice:", exec.Stderr, StringComparison.Ordinal);
        Assert.Equal("running", Assert.Single(await ListJsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Stop_keeps_the_files_and_exec_starts_a_fresh_kernel_saying_so()
    {
        var id = await RunKeptAsync("x = 41\nwith open('notes.txt', 'w') as f: f.write('kept')");

        var stop = await ToolAsync(["stop", id, "--retention", "2h"]);
        Assert.True(stop.ExitCode == 0, stop.ToString());
        var stopped = Assert.Single(await ListJsonAsync("--state", "stopped"));
        // The retention, not the lease (1h by default), counts from the stop.
        Assert.True(stopped.GetProperty("leaseExpires").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(90), stopped.ToString());

        var exec = await ToolAsync(["exec", id, "print(open('notes.txt').read(), 'x' in globals())"]);
        Assert.True(exec.ExitCode == 0, exec.ToString());
        Assert.Equal("kept False\n", exec.Stdout);
        Assert.Matches("(?m)^notice: .*variables", exec.Stderr);

        // Only the first result after the resume carries the notice.
        var again = await ToolAsync(["exec", id, "print('again')"]);
        Assert.Equal("again\n", again.Stdout);
        Assert.DoesNotContain("notice:", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_starts_a_stopped_sandbox_without_running_code()
    {
        var id = await RunKeptAsync("pass");
        Assert.True((await ToolAsync(["stop", id])).ExitCode == 0);

        var resume = await ToolAsync(["resume", id]);

        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Equal($"Resumed {id}\n", resume.Stdout);
        Assert.Equal("running", Assert.Single(await ListJsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_exec_killed_mid_cell_leaves_the_sandbox_and_the_next_exec_runs()
    {
        var id = await RunKeptAsync("x = 1");

        await KillMidCellAsync(["exec", id, "import time\nprint('started', flush=True)\ntime.sleep(10)"]);

        Assert.True(await DockerEngine.ContainerExistsAsync(id));
        var exec = await ToolAsync(["exec", id, "print(x)"]);
        Assert.True(exec.ExitCode == 0, exec.ToString());
        Assert.Equal("1\n", exec.Stdout);
    }

    [Fact]
    public async Task The_process_that_made_a_sandbox_is_killed_and_another_finds_its_variable_and_file()
    {
        var stderr = await KillMidCellAsync(
        [
            "run", "--keep", "--meta", $"run={_runId}", "--label", $"{DockerEngine.TestLabel}={_runId}",
            "x = 41\nopen('made.txt', 'w').write('by the first')\nimport time\nprint('started', flush=True)\ntime.sleep(5)",
        ]);
        var id = SandboxLine().Match(stderr) is { Success: true } match ? match.Groups[1].Value : throw new Xunit.Sdk.XunitException($"No sandbox id printed: {stderr}");

        // The killed cell still runs in the kernel; this one queues behind it.
        var exec = await ToolAsync(["exec", id, "print(x + 1, open('made.txt').read())"]);

        Assert.True(exec.ExitCode == 0, exec.ToString());
        Assert.Equal("42 by the first\n", exec.Stdout);
    }

    /// <summary>Starts the tool, waits for its cell to print <c>started</c>, kills it with SIGKILL (no handler runs) and returns its standard error.</summary>
    private async Task<string> KillMidCellAsync(string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(IpyBoxTool.DotnetPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = _directory.FullName,
        };
        foreach (var argument in IpyBoxTool.Arguments(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        var stderr = new System.Text.StringBuilder();
        using var process = System.Diagnostics.Process.Start(start)!;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => { if (e.Data == "started") { started.TrySetResult(); } };
        process.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await started.Task.WaitAsync(TimeSpan.FromMinutes(2));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        Assert.Equal(137, process.ExitCode);
        lock (stderr)
        {
            return stderr.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Rm_removes_the_sandbox_and_then_every_command_on_its_id_exits_3()
    {
        var id = await RunKeptAsync("x = 1");

        var rm = await ToolAsync(["rm", id]);
        Assert.True(rm.ExitCode == 0, rm.ToString());
        Assert.Equal($"Removed {id}\n", rm.Stdout);
        Assert.Empty(await ListJsonAsync());
        Assert.False(await DockerEngine.ContainerExistsAsync(id));

        foreach (var command in new[] { new[] { "exec", id, "print(1)" }, ["pause", id], ["stop", id], ["resume", id], ["rm", id], ["snapshot", "create", id, $"s-{_runId}"] })
        {
            var gone = await ToolAsync(command);
            Assert.True(gone.ExitCode == 3, $"{string.Join(' ', command)}: {gone}");
            Assert.Equal($"error: no sandbox has the id {id} (it was removed, or its lease expired); 'ipybox ls' lists the sandboxes.\n", gone.Stderr);
            Assert.Equal(string.Empty, gone.Stdout);
        }

        var malformed = await ToolAsync(["exec", "not-an-id", "print(1)"]);
        Assert.Equal(3, malformed.ExitCode);
        Assert.StartsWith("error: 'not-an-id' is not a sandbox id", malformed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_exits_like_run_and_the_sandbox_outlives_an_error_and_a_timeout()
    {
        var id = await RunKeptAsync("x = 41");
        var script = _directory.Combine("cell.py");
        await File.WriteAllTextAsync(script, "print('from a file')\nraise ValueError('bad \\x1b[2J input')");

        var failed = await ToolAsync(["exec", id, "-f", script]);
        Assert.Equal(1, failed.ExitCode);
        Assert.Equal("from a file\n", failed.Stdout);
        Assert.Contains("ValueError: bad", failed.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', failed.Stderr);

        var timedOut = await ToolAsync(["exec", id, "--timeout", "2", "import time\ntime.sleep(60)"]);
        Assert.Equal(124, timedOut.ExitCode);

        var after = await ToolAsync(["exec", id, "print(x)"]);
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Equal("41\n", after.Stdout);
    }

    [Fact]
    public async Task Invalid_options_exit_1_before_any_sandbox_is_made()
    {
        var leaseWithoutKeep = await ToolAsync(["run", "--lease", "1h", "print(1)"]);
        Assert.Equal(1, leaseWithoutKeep.ExitCode);
        Assert.Contains("add --keep", leaseWithoutKeep.Stderr, StringComparison.Ordinal);

        var badLease = await ToolAsync(["run", "--keep", "--lease", "soon", "print(1)"]);
        Assert.Equal(1, badLease.ExitCode);
        Assert.Contains("--lease 'soon' is not a duration", badLease.Stderr, StringComparison.Ordinal);

        var badRetention = await ToolAsync(["stop", new string('a', 12), "--retention", "0s"]);
        Assert.Equal(1, badRetention.ExitCode);
        Assert.Contains("--retention '0s' is not a duration", badRetention.Stderr, StringComparison.Ordinal);

        Assert.Empty(await DockerEngine.ListAsync(DockerEngine.TestLabel, _runId));
    }

    /// <summary>Runs <paramref name="code"/> with <c>run --keep</c> and returns the id it printed.</summary>
    private async Task<string> RunKeptAsync(string code, params string[] options)
    {
        var run = await ToolAsync(["run", "--keep", "--meta", $"run={_runId}", "--label", $"{DockerEngine.TestLabel}={_runId}", .. options, code]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return SandboxLine().Match(run.Stderr) is { Success: true } match ? match.Groups[1].Value : throw new Xunit.Sdk.XunitException($"No sandbox id printed: {run}");
    }

    private async Task<List<JsonElement>> ListJsonAsync(params string[] options)
    {
        var ls = await ToolAsync(["ls", "--meta", $"run={_runId}", "--json", .. options]);
        Assert.True(ls.ExitCode == 0, ls.ToString());
        return [.. JsonDocument.Parse(ls.Stdout).RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private async Task<ProcessResult> ToolAsync(string[] arguments, string? stdin = null)
    {
        var result = await IpyBoxTool.RunAsync(arguments, stdin ?? string.Empty, _directory.FullName);
        return result with { Stdout = result.Stdout.Replace("\r\n", "\n", StringComparison.Ordinal), Stderr = result.Stderr.Replace("\r\n", "\n", StringComparison.Ordinal) };
    }

    [GeneratedRegex("(?m)^sandbox: ([0-9a-f]{64})$")]
    private static partial Regex SandboxLine();
}
