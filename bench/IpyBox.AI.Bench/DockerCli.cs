using System.Diagnostics;

/// <summary>The engine's own command-line client: the floor for copies (<c>docker cp</c>) and runs (<c>docker run</c>).</summary>
internal static class DockerCli
{
    public static async Task<string> RunAsync(string? stdin, params string[] arguments)
    {
        var start = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the docker command.");
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"docker {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }

    /// <summary>Wall-clock time of one docker command, in milliseconds.</summary>
    public static async Task<double> TimeAsync(params string[] arguments)
    {
        var clock = Stopwatch.StartNew();
        await RunAsync(null, arguments);
        return clock.Elapsed.TotalMilliseconds;
    }
}
