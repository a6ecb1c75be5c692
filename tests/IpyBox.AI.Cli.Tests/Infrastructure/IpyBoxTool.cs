using System.Diagnostics;
using System.Text;

namespace IpyBox.AI.Cli.Tests;

/// <summary>Starts the built <c>ipybox</c> tool as a separate process, the way a user or an MCP client does.</summary>
public static class IpyBoxTool
{
    /// <summary>Gets the tool's assembly, copied next to the tests by the project reference.</summary>
    public static string AssemblyPath { get; } = Path.Combine(AppContext.BaseDirectory, "ipybox.dll");

    /// <summary>Gets the <c>dotnet</c> host that runs the tests.</summary>
    public static string DotnetPath { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>Gets the arguments that start the tool followed by <paramref name="arguments"/>.</summary>
    public static string[] Arguments(params string[] arguments) => [AssemblyPath, .. arguments];

    /// <summary>Runs the tool to completion (killing it after <paramref name="deadline"/>, default 10 minutes).</summary>
    public static Task<ProcessResult> RunAsync(string[] arguments, string? stdin = null, string? workingDirectory = null, TimeSpan? deadline = null) =>
        RunProcessAsync(DotnetPath, Arguments(arguments), stdin, workingDirectory, deadline);

    /// <summary>Runs any program to completion.</summary>
    public static async Task<ProcessResult> RunProcessAsync(string fileName, IEnumerable<string> arguments, string? stdin = null, string? workingDirectory = null, TimeSpan? deadline = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish in time. Stderr so far:\n{stderr}");
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>What a finished process printed and returned.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
