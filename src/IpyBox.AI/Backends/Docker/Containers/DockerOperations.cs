using System.Net.Sockets;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace IpyBox.AI;

/// <summary>
/// Every call the library makes to a Docker engine, for one endpoint: images, containers, exec, archives, logs, ping.
/// Containers, files, cleanup and image builds go through this type and never hold an engine client of their own.
/// </summary>
/// <remarks>
/// Archive transfers use a second client without a request timeout (the engine client's timeout would cut off a large
/// upload or download); they are bounded by their cancellation token instead.
/// </remarks>
internal sealed partial class DockerOperations : IDisposable
{
    private static readonly TimeSpan s_pingTimeout = TimeSpan.FromSeconds(10);
    private static readonly PollSchedule s_execExitSchedule = PollSchedule.Backoff(Timeout.InfiniteTimeSpan, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(200));

    private readonly IDockerClient _client;
    private readonly Lazy<IDockerClient> _transferClient;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="DockerOperations"/> class.</summary>
    /// <param name="endpoint">The engine.</param>
    /// <param name="timeout">The time limit of each request other than archive transfers.</param>
    /// <param name="timeProvider">The clock for waits; <see langword="null"/> for the system clock.</param>
    public DockerOperations(DockerEndpoint endpoint, TimeSpan timeout, TimeProvider? timeProvider = null)
    {
        Endpoint = Throw.IfNull(endpoint);
        _client = endpoint.CreateClient(timeout);
        _transferClient = new Lazy<IDockerClient>(() => endpoint.CreateClient(Timeout.InfiniteTimeSpan), LazyThreadSafetyMode.ExecutionAndPublication);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Connects to an engine and checks that it answers; the caller disposes the result.</summary>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    public static async Task<DockerOperations> ConnectAsync(DockerEndpoint endpoint, TimeSpan timeout, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        var engine = new DockerOperations(endpoint, timeout, timeProvider);
        try
        {
            await engine.PingAsync(cancellationToken).ConfigureAwait(false);
            return engine;
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>Gets the engine's endpoint.</summary>
    public DockerEndpoint Endpoint { get; }

    /// <summary>Checks that the engine answers.</summary>
    /// <exception cref="DockerUnavailableException">No engine answers within 10 s; the message says how to start one.</exception>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_pingTimeout);
        try
        {
            await _client.System.PingAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new DockerUnavailableException(
                $"No Docker engine answers at {Endpoint}. Start one (for example 'sudo systemctl start docker', or run eng/prepare-docker.sh " +
                "on a Debian machine), or point DOCKER_HOST or the DockerEndpoint option at a running engine.",
                ex);
        }
    }

    /// <summary>Returns the OCI runtimes the engine knows (<c>docker info</c>): each name with the path of its binary.</summary>
    public Task<IReadOnlyDictionary<string, string>> GetRuntimesAsync(CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            var info = await _client.System.GetSystemInfoAsync(cancellationToken).ConfigureAwait(false);
            IReadOnlyDictionary<string, string> runtimes = (info.Runtimes ?? new Dictionary<string, RuntimeWithStatus>())
                .ToDictionary(r => r.Key, r => r.Value?.Path ?? string.Empty, StringComparer.Ordinal);
            return runtimes;
        });

    /// <summary>Returns the image's description, or <see langword="null"/> when the engine does not have it.</summary>
    public Task<ImageInspectResponse?> InspectImageAsync(string image, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            try
            {
                return await _client.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerImageNotFoundException)
            {
                return null;
            }
        });

    /// <summary>Builds an image from a tar context; build errors arrive in the progress stream and are raised here.</summary>
    /// <exception cref="ImageBuildException">The build failed; the exception carries its output.</exception>
    public Task BuildImageAsync(string tag, Stream context, IDictionary<string, string> buildArgs, IProgress<ImageProgress>? progress, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            var recorder = new ProgressRecorder(tag, progress);
            var parameters = new ImageBuildParameters
            {
                Tags = [tag],
                BuildArgs = buildArgs,
                Remove = true,
                ForceRemove = true,
            };

            try
            {
                await _client.Images.BuildImageFromDockerfileAsync(parameters, context, null, null, recorder, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException ex)
            {
                throw new ImageBuildException($"Building image {tag} failed: {ex.ResponseBody}", recorder.Output);
            }

            if (recorder.Error is not null)
            {
                throw new ImageBuildException($"Building image {tag} failed: {recorder.Error}", recorder.Output);
            }
        });

    /// <summary>Pulls an image; pull errors arrive in the progress stream and are raised here.</summary>
    /// <exception cref="ImageBuildException">The image could not be pulled.</exception>
    public Task PullImageAsync(string tag, IProgress<ImageProgress>? progress, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            var recorder = new ProgressRecorder(tag, progress);
            try
            {
                await _client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = tag }, null, recorder, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException ex)
            {
                throw new ImageBuildException($"Image {tag} is not present and could not be pulled: {ex.ResponseBody?.Trim()}", recorder.Output);
            }

            if (recorder.Error is not null)
            {
                throw new ImageBuildException($"Image {tag} is not present and could not be pulled: {recorder.Error}", recorder.Output);
            }
        });

    /// <summary>Creates a container; returns its id.</summary>
    public Task<string> CreateContainerAsync(CreateContainerParameters parameters, CancellationToken cancellationToken) =>
        GuardAsync(async () => (await _client.Containers.CreateContainerAsync(parameters, cancellationToken).ConfigureAwait(false)).ID);

    /// <summary>Starts a created container.</summary>
    public Task StartContainerAsync(string id, CancellationToken cancellationToken) =>
        GuardAsync(() => _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken));

    /// <summary>
    /// Writes <paramref name="text"/> to the standard input of a container created with <c>OpenStdin</c> and
    /// <c>StdinOnce</c>, then closes it: the container's standard input ends when this one attached client leaves.
    /// </summary>
    public Task WriteStandardInputOnceAsync(string id, string text, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            using var stream = await _client.Containers.AttachContainerAsync(
                id, new ContainerAttachParameters { Stream = true, Stdin = true }, cancellationToken).ConfigureAwait(false);
            var bytes = Encoding.UTF8.GetBytes(text);
            await stream.WriteAsync(bytes, 0, bytes.Length, cancellationToken).ConfigureAwait(false);
            stream.CloseWrite();
        });

    /// <summary>Returns the container's state, or <see langword="null"/> when it no longer exists.</summary>
    public Task<ContainerInspectResponse?> InspectContainerAsync(string id, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            try
            {
                return await _client.Containers.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerContainerNotFoundException)
            {
                return null;
            }
        });

    /// <summary>Waits until the container exits; returns its exit code.</summary>
    public Task<long> WaitContainerAsync(string id, CancellationToken cancellationToken) =>
        GuardAsync(async () => (await _client.Containers.WaitContainerAsync(id, cancellationToken).ConfigureAwait(false)).StatusCode);

    /// <summary>Force-removes a container with its anonymous volumes.</summary>
    /// <returns><see langword="true"/> when this call removed it; <see langword="false"/> when it was gone already or another removal is under way.</returns>
    public Task<bool> RemoveContainerAsync(string id, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            try
            {
                await _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (DockerContainerNotFoundException)
            {
                return false;
            }
            catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                return false;
            }
        });

    /// <summary>Lists containers, running or not, that carry every one of <paramref name="labels"/> (<c>key=value</c> or <c>key</c>).</summary>
    public Task<IList<ContainerListResponse>> ListContainersAsync(IEnumerable<string> labels, CancellationToken cancellationToken) =>
        GuardAsync(() => _client.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal)
                {
                    ["label"] = labels.Distinct(StringComparer.Ordinal).ToDictionary(label => label, _ => true, StringComparer.Ordinal),
                },
            },
            cancellationToken));

    /// <summary>Lists the volumes that carry every one of <paramref name="labels"/> and that no container uses (any longer).</summary>
    /// <returns>The names of the volumes.</returns>
    public Task<IReadOnlyList<string>> ListUnusedVolumesAsync(IEnumerable<string> labels, CancellationToken cancellationToken) =>
        GuardAsync<IReadOnlyList<string>>(async () =>
        {
            var found = await _client.Volumes.ListAsync(
                new VolumesListParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal)
                    {
                        ["label"] = labels.Distinct(StringComparer.Ordinal).ToDictionary(label => label, _ => true, StringComparer.Ordinal),
                        ["dangling"] = new Dictionary<string, bool>(StringComparer.Ordinal) { ["true"] = true },
                    },
                },
                cancellationToken).ConfigureAwait(false);
            return [.. (found.Volumes ?? []).Select(volume => volume.Name)];
        });

    /// <summary>Removes a volume no container uses.</summary>
    /// <returns><see langword="true"/> when this call removed it; <see langword="false"/> when it was gone already or a container uses it again.</returns>
    public Task<bool> RemoveVolumeAsync(string name, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            try
            {
                await _client.Volumes.RemoveAsync(name, force: false, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (DockerApiException ex) when (ex.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict)
            {
                return false;
            }
        });

    /// <summary>Lists the networks named exactly <paramref name="name"/> that carry every one of <paramref name="labels"/>, oldest first.</summary>
    /// <returns>Their ids.</returns>
    public Task<IReadOnlyList<string>> ListNetworksAsync(string name, IEnumerable<string> labels, CancellationToken cancellationToken) =>
        GuardAsync<IReadOnlyList<string>>(async () =>
        {
            var found = await _client.Networks.ListNetworksAsync(
                new NetworksListParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal)
                    {
                        ["name"] = new Dictionary<string, bool>(StringComparer.Ordinal) { [name] = true },
                        ["label"] = labels.Distinct(StringComparer.Ordinal).ToDictionary(label => label, _ => true, StringComparer.Ordinal),
                    },
                },
                cancellationToken).ConfigureAwait(false);

            // The name filter matches parts of names too; an old engine may hold two networks of one name after a race.
            return [.. found.Where(n => n.Name == name).OrderBy(n => n.Created).ThenBy(n => n.ID, StringComparer.Ordinal).Select(n => n.ID)];
        });

    /// <summary>Lists the networks that carry every one of <paramref name="labels"/> and that no container is attached to.</summary>
    /// <returns>Their ids.</returns>
    public Task<IReadOnlyList<string>> ListUnusedNetworksAsync(IEnumerable<string> labels, CancellationToken cancellationToken) =>
        GuardAsync<IReadOnlyList<string>>(async () =>
        {
            var found = await _client.Networks.ListNetworksAsync(
                new NetworksListParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal)
                    {
                        ["label"] = labels.Distinct(StringComparer.Ordinal).ToDictionary(label => label, _ => true, StringComparer.Ordinal),
                    },
                },
                cancellationToken).ConfigureAwait(false);

            // A listing leaves out the attached containers and its "dangling" filter ignores them (API 1.41), so each is inspected.
            var unused = new List<string>();
            foreach (var network in found)
            {
                try
                {
                    var inspected = await _client.Networks.InspectNetworkAsync(network.ID, cancellationToken).ConfigureAwait(false);
                    if (inspected.Containers is not { Count: > 0 })
                    {
                        unused.Add(network.ID);
                    }
                }
                catch (DockerNetworkNotFoundException)
                {
                }
            }

            return unused;
        });

    /// <summary>Creates a network; a network of the same name created meanwhile by another process is no error.</summary>
    public Task CreateNetworkAsync(NetworksCreateParameters parameters, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            try
            {
                await _client.Networks.CreateNetworkAsync(parameters, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
            }
        });

    /// <summary>Removes a network; one that is gone or still has containers is left as it is.</summary>
    /// <returns><see langword="true"/> when this call removed it.</returns>
    public Task<bool> RemoveNetworkAsync(string id, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            try
            {
                await _client.Networks.DeleteNetworkAsync(id, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (DockerApiException ex) when (ex.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.Conflict)
            {
                return false;
            }
        });

    /// <summary>Reads a container's output, all of it or the last <paramref name="tail"/> lines.</summary>
    public Task<(string StandardOutput, string StandardError)> ReadLogsAsync(string id, int? tail, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            var parameters = new ContainerLogsParameters { ShowStdout = true, ShowStderr = true };
            if (tail is { } lines)
            {
                parameters.Tail = lines.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            using var stream = await _client.Containers.GetContainerLogsAsync(id, parameters, cancellationToken).ConfigureAwait(false);
            return await stream.ReadOutputToEndAsync(cancellationToken).ConfigureAwait(false);
        });

    /// <summary>Runs <paramref name="command"/> in a running container; its output is read to the end before the exit code is inspected.</summary>
    /// <param name="id">The container.</param>
    /// <param name="command">The program and its arguments (no shell).</param>
    /// <param name="user">The user, e.g. <c>root</c>; <see langword="null"/> for the container's user.</param>
    /// <param name="cancellationToken">Cancels the wait (the command keeps running in the container).</param>
    public Task<ExecResult> ExecAsync(string id, IReadOnlyList<string> command, string? user, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
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

            var created = await _client.Exec.CreateContainerExecAsync(id, parameters, cancellationToken).ConfigureAwait(false);
            string stdout;
            string stderr;
            using (var stream = await _client.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters(), cancellationToken).ConfigureAwait(false))
            {
                (stdout, stderr) = await stream.ReadOutputToEndAsync(cancellationToken).ConfigureAwait(false);
            }

            return new ExecResult(await WaitForExitCodeAsync(created.ID, cancellationToken).ConfigureAwait(false), stdout, stderr);
        });

    /// <summary>Waits for the exit code of an exec whose output has ended: the engine records it a moment later.</summary>
    private async Task<long> WaitForExitCodeAsync(string execId, CancellationToken cancellationToken)
    {
        var exited = await Poll.UntilAsync(
            "the exit code of the command",
            async ct =>
            {
                var state = await _client.Exec.InspectContainerExecAsync(execId, ct).ConfigureAwait(false);
                return !state.Running && state.ExitCode is not null ? state : null;
            },
            s_execExitSchedule,
            _time,
            cancellationToken).ConfigureAwait(false);
        return exited.ExitCode!.Value;
    }

    /// <summary>
    /// Runs <paramref name="command"/> in a running container as the container's user and lets <paramref name="consume"/>
    /// read its standard output as a stream; the rest of the output is read after that, then the exit code is inspected.
    /// </summary>
    /// <returns>The exit code and the start of standard error (standard output went to <paramref name="consume"/>).</returns>
    /// <exception cref="DockerApiException">The container is not running (409) or does not exist (404).</exception>
    public Task<ExecResult> ExecStreamingAsync(string id, IReadOnlyList<string> command, Func<ExecOutputStream, Task> consume, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            var created = await _transferClient.Value.Exec.CreateContainerExecAsync(
                id, new ContainerExecCreateParameters { Cmd = [.. command], AttachStdout = true, AttachStderr = true }, cancellationToken).ConfigureAwait(false);
            string stderr;
            using (var output = new ExecOutputStream(
                await _transferClient.Value.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters(), cancellationToken).ConfigureAwait(false)))
            {
                await consume(output).ConfigureAwait(false);
                await output.DrainAsync(cancellationToken).ConfigureAwait(false);
                stderr = output.StandardError;
            }

            return new ExecResult(await WaitForExitCodeAsync(created.ID, cancellationToken).ConfigureAwait(false), string.Empty, stderr);
        });

    /// <summary>Returns the stat of a path in the container, or <see langword="null"/> when the engine answers 404 (no such path, or no such container).</summary>
    public Task<ContainerPathStatResponse?> StatPathAsync(string id, string path, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            try
            {
                var response = await _client.Containers.GetArchiveFromContainerAsync(
                    id, new ContainerPathStatParameters { Path = path }, statOnly: true, cancellationToken).ConfigureAwait(false);
                return response.Stat;
            }
            catch (DockerContainerNotFoundException)
            {
                return null;
            }
        });

    /// <summary>Opens a tar stream of a path in the container, or returns <see langword="null"/> when the engine answers 404.</summary>
    public Task<Stream?> GetArchiveAsync(string id, string path, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            try
            {
                var response = await _transferClient.Value.Containers.GetArchiveFromContainerAsync(
                    id, new ContainerPathStatParameters { Path = path }, statOnly: false, cancellationToken).ConfigureAwait(false);
                return response.Stream ?? throw new IOException($"The engine sent no archive for {path}.");
            }
            catch (DockerContainerNotFoundException)
            {
                return null;
            }
        });

    /// <summary>Extracts a tar stream into a directory of the container; a directory is never replaced by a file.</summary>
    public Task PutArchiveAsync(string id, string directory, Stream archive, CancellationToken cancellationToken) =>
        GuardAsync(() => _transferClient.Value.Containers.ExtractArchiveToContainerAsync(
            id,
            new CopyToContainerParameters { Path = directory, AllowOverwriteDirWithFile = false },
            archive,
            cancellationToken));

    /// <summary>Gets a value indicating whether <paramref name="error"/> says the engine could not be reached (refused, reset or unreachable connection).</summary>
    internal static bool IsConnectionFailure(Exception error) => error switch
    {
        SocketException or HttpRequestException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsConnectionFailure),
        IOException { InnerException: { } inner } => IsConnectionFailure(inner),
        _ => false,
    };

    /// <inheritdoc />
    public void Dispose()
    {
        _client.Dispose();
        if (_transferClient.IsValueCreated)
        {
            _transferClient.Value.Dispose();
        }
    }

    /// <summary>Runs an engine call; a connection failure becomes a <see cref="DockerUnavailableException"/> that says what to do.</summary>
    private async Task<T> GuardAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            throw Unreachable(ex);
        }
    }

    private async Task GuardAsync(Func<Task> call) =>
        await GuardAsync(async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    private DockerUnavailableException Unreachable(Exception error)
    {
        var cause = error is AggregateException aggregate ? aggregate.Flatten().InnerExceptions.FirstOrDefault() ?? error : error;
        return new DockerUnavailableException(
            $"The Docker engine at {Endpoint} could not be reached ({cause.Message}). Check that it is running and that DOCKER_HOST or " +
            "the DockerEndpoint option point at it, then try again; containers left behind are removed by 'ipybox cleanup'.",
            error);
    }

    /// <summary>The outcome of a command run with <see cref="ExecAsync"/>.</summary>
    public readonly record struct ExecResult(long ExitCode, string StandardOutput, string StandardError);

    /// <summary>Synchronous progress sink: keeps the output and the first error, forwards lines in order.</summary>
    private sealed class ProgressRecorder(string tag, IProgress<ImageProgress>? sink) : IProgress<JSONMessage>
    {
        private readonly StringBuilder _output = new();

        public string? Error { get; private set; }

        public string Output => _output.ToString();

        public void Report(JSONMessage value)
        {
            var error = value.Error?.Message;
            if (!string.IsNullOrEmpty(error))
            {
                Error ??= error.Trim();
                _output.AppendLine(error.Trim());
                return;
            }

            var line = value.Stream ?? (value.Status is null ? null : $"{value.Status} {value.ID}".Trim());
            if (string.IsNullOrEmpty(line))
            {
                return;
            }

            _output.Append(line);
            if (!line.EndsWith('\n'))
            {
                _output.Append('\n');
            }

            sink?.Report(new ImageProgress(tag, line.TrimEnd('\n')));
        }
    }
}
