using Docker.DotNet;
using Docker.DotNet.Models;

namespace IpyBox.AI;

/// <summary>Runs a command in a running container through the Docker exec API.</summary>
internal static class ContainerExec
{
    /// <summary>The outcome of a command.</summary>
    public readonly record struct Result(long ExitCode, string StandardOutput, string StandardError);

    /// <summary>Runs <paramref name="command"/> and returns its exit code and output; the output is read to the end before the exit code is inspected.</summary>
    /// <param name="docker">The engine.</param>
    /// <param name="containerId">The container.</param>
    /// <param name="command">The program and its arguments (no shell).</param>
    /// <param name="user">The user, e.g. <c>root</c>; <see langword="null"/> for the container's user.</param>
    /// <param name="cancellationToken">Cancels the wait (the command keeps running in the container).</param>
    public static async Task<Result> RunAsync(IDockerClient docker, string containerId, IReadOnlyList<string> command, string? user, CancellationToken cancellationToken)
    {
        var parameters = new ContainerExecCreateParameters
        {
            Cmd = [.. command],
            AttachStdout = true,
            AttachStderr = true,
        };
        if (user is not null)
        {
            parameters.User = user;
        }

        var created = await docker.Exec.CreateContainerExecAsync(containerId, parameters, cancellationToken).ConfigureAwait(false);
        string stdout;
        string stderr;
        using (var stream = await docker.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters(), cancellationToken).ConfigureAwait(false))
        {
            (stdout, stderr) = await stream.ReadOutputToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        // The stream ends when the process closes its output; the engine records the exit code a moment later.
        var delay = 10;
        while (true)
        {
            var state = await docker.Exec.InspectContainerExecAsync(created.ID, cancellationToken).ConfigureAwait(false);
            if (!state.Running && state.ExitCode is { } code)
            {
                return new Result(code, stdout, stderr);
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = Math.Min(delay * 2, 200);
        }
    }
}
