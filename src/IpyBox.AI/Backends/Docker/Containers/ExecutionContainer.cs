using System.Globalization;
using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpyBox.AI;

/// <summary>
/// A Docker container that serves IPython kernels over the Jupyter Server protocol.
/// <see cref="RunAsync"/> starts it, <see cref="DisposeAsync"/> (or <see cref="KillAsync"/>) removes it.
/// </summary>
/// <example>
/// <code>
/// await using var container = new ExecutionContainer();
/// await container.RunAsync();
/// await using var client = await container.ConnectClientAsync();
/// var result = await client.ExecuteAsync("print('Hello, world!')");
/// </code>
/// </example>
public sealed partial class ExecutionContainer : IAsyncDisposable
{
    /// <summary>The port the kernel server listens on inside the container.</summary>
    public const int ContainerPort = 8888;

    private const string PortKey = "8888/tcp";
    private const long GvisorPanicExitCode = 2;
    private static readonly TimeSpan s_engineTimeout = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan s_portPollInterval = TimeSpan.FromMilliseconds(50);

    // How long a removal waits before each new try when the engine cannot be reached: about 16 s in all.
    private static readonly TimeSpan[] s_removalRetryDelays = [.. new[] { 250, 500, 1000, 2000, 4000, 8000 }.Select(ms => TimeSpan.FromMilliseconds(ms))];
    // The server answers about 0.5 s after the start; a probe is one local HTTP request that fails at once until then,
    // so asking often costs little and a backoff would only add to the start (by up to half of it).
    private static readonly TimeSpan s_serverPollInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan s_serverDeathCheckInterval = TimeSpan.FromMilliseconds(250);

    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly ILogger _logger;
    private readonly DockerEndpoint _endpoint;
    private IReadOnlyDictionary<string, string> _requestLabels;
    private DockerOperations? _engine;
    private const int Live = 0;
    private const int Disposing = 1;
    private const int Removed = 2;
    private int _disposed;
    private bool _runsAsRoot;
    private SandboxRuntime _runtime = SandboxRuntime.EngineDefault;

    /// <summary>Initializes a new instance of the <see cref="ExecutionContainer"/> class. Nothing starts until <see cref="RunAsync"/>.</summary>
    /// <param name="options">The container settings; <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for no logging.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public ExecutionContainer(ExecutionContainerOptions? options = null, ILoggerFactory? loggerFactory = null)
        : this(options, loggerFactory, requestLabels: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExecutionContainer"/> class with labels of the request it serves.</summary>
    /// <param name="options">The container settings.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <param name="requestLabels">Labels of the request, besides the library's own.</param>
    /// <param name="lease">The lease of a durable container; <see langword="null"/> for one removed with this object.</param>
    /// <param name="image">The image to run instead of the options' (a snapshot's); <see langword="null"/> for the options'.</param>
    internal ExecutionContainer(
        ExecutionContainerOptions? options,
        ILoggerFactory? loggerFactory,
        IReadOnlyDictionary<string, string>? requestLabels,
        TimeSpan? lease = null,
        string? image = null)
        : this(options, loggerFactory, RandomNumberGenerator.GetHexString(48, lowercase: true), image)
    {
        _requestLabels = requestLabels ?? new Dictionary<string, string>(StringComparer.Ordinal);
        Lease = lease;
        if (lease is not null && Options.AppSizeLimitBytes is not null)
        {
            throw new ArgumentException(
                "A durable sandbox (SandboxRequest.Lease) keeps /app on disk so that a stop loses nothing; ExecutionContainerOptions.AppSizeLimitBytes " +
                "puts /app in memory, which a stop would empty. Leave AppSizeLimitBytes unset for durable sandboxes.",
                nameof(options));
        }
    }

    private ExecutionContainer(ExecutionContainerOptions? options, ILoggerFactory? loggerFactory, string token, string? image)
    {
        Options = options ?? new ExecutionContainerOptions();
        Options.Validate();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ExecutionContainer>();
        _endpoint = IpyBox.AI.DockerEndpoint.Resolve(Options.DockerEndpoint);
        _requestLabels = new Dictionary<string, string>(StringComparer.Ordinal);
        Image = image ?? Options.Image ?? RuntimeImage.DefaultTag;
        Token = token;
    }

    /// <summary>Gets the options this container was created with.</summary>
    public ExecutionContainerOptions Options { get; }

    /// <summary>Gets the image the container runs.</summary>
    public string Image { get; }

    /// <summary>Gets the container id, or <see langword="null"/> before <see cref="RunAsync"/>.</summary>
    public string? ContainerId { get; private set; }

    /// <summary>Gets the host port the kernel server is published on (0 before <see cref="RunAsync"/>).</summary>
    public int ExecutorPort { get; private set; }

    /// <summary>Gets the host that clients connect to: the engine's host for a <c>tcp://</c> endpoint, else <c>127.0.0.1</c>.</summary>
    public string Host => _endpoint.ClientHost;

    /// <summary>Gets the base address of the kernel server (<c>http://Host:ExecutorPort/</c>).</summary>
    /// <exception cref="InvalidOperationException">The container has not been started.</exception>
    public Uri ServerUri => ExecutorPort != 0
        ? new UriBuilder("http", Host, ExecutorPort).Uri
        : throw new InvalidOperationException("The container has not been started; call RunAsync first.");

    /// <summary>Gets the firewall rules in force, or <see langword="null"/> when outbound traffic is not restricted.</summary>
    public FirewallResult? Firewall { get; private set; }

    /// <summary>Gets the token the kernel server requires on every request.</summary>
    public string Token { get; }

    /// <summary>Gets the Docker endpoint this container is managed through.</summary>
    public Uri DockerEndpoint => _endpoint.Uri;

    /// <summary>Gets the engine the container runs on (after <see cref="RunAsync"/>).</summary>
    internal DockerOperations Engine => _engine ?? throw new InvalidOperationException("The container has not been started; call RunAsync first.");

    /// <summary>Creates and starts a container with the given options.</summary>
    /// <param name="options">The container settings; <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for no logging.</param>
    /// <param name="cancellationToken">Cancels the start; the container is removed.</param>
    /// <returns>The running container.</returns>
    public static Task<ExecutionContainer> StartAsync(ExecutionContainerOptions? options = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default) =>
        StartNewAsync(new ExecutionContainer(options, loggerFactory), cancellationToken);

    /// <summary>Runs <paramref name="container"/>, disposing it when the start fails.</summary>
    internal static async Task<ExecutionContainer> StartNewAsync(ExecutionContainer container, CancellationToken cancellationToken)
    {
        try
        {
            await container.RunAsync(cancellationToken).ConfigureAwait(false);
            return container;
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates and starts the container, building or pulling its image first when missing.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    /// <exception cref="ImageBuildException">The image is missing and could not be built or pulled.</exception>
    /// <exception cref="ContainerStartException">The engine knows no runtime named <see cref="ExecutionContainerOptions.Runtime"/>, or the container exited during start, or its port was not published or its server did not answer in time.</exception>
    /// <exception cref="InvalidOperationException">The container was already started or disposed.</exception>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (ContainerId is not null)
            {
                throw new InvalidOperationException("The container has already been started.");
            }

            _engine ??= new DockerOperations(_endpoint, s_engineTimeout, Options.TimeProvider);
            await _engine.PingAsync(cancellationToken).ConfigureAwait(false);
            _runtime = await SandboxRuntime.ResolveAsync(_engine, Options.Runtime, cancellationToken).ConfigureAwait(false);
            var image = await ImageProvisioner.EnsureAsync(_engine, Image, Options.Progress, _logger, cancellationToken).ConfigureAwait(false);

            // Not cancelled midway: the engine may create the container even when the caller stops waiting for its id,
            // and a container whose id is unknown here could not be removed. Cancellation is honoured right after.
            var network = Options.Network ?? await SandboxNetwork.EnsureAsync(_engine, _endpoint.Uri, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<string>? firewall = Options.DisableNetwork ? ["--no-dns"]
                : Options.FirewallAllowList.Count > 0 ? FirewallArguments(Options.FirewallAllowList)
                : null;
            var parameters = CreateParameters(image, network, firewall);
            var id = await CreateOrRemoveUnansweredAsync(parameters).ConfigureAwait(false);
            ContainerId = id;
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                await BringUpAsync(id, firewall, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // A container that failed to start (or to lose its network) is removed at once, not left for the caller to find.
                try
                {
                    await RemoveRetryingAsync().ConfigureAwait(false);
                }
                catch (Exception removal) when (removal is DockerUnavailableException or DockerApiException)
                {
                    Log.ContainerRemoveFailed(_logger, id, removal);
                }

                throw;
            }

            Log.ContainerStarted(_logger, id, Image, Host, ExecutorPort);
            StartLeaseKeeper();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Starts a created (or stopped) container and waits until its server answers: the token on its standard input, its
    /// published port, the firewall <paramref name="firewall"/> before any kernel runs, then the server's first answer.
    /// </summary>
    private async Task BringUpAsync(string id, IReadOnlyList<string>? firewall, CancellationToken cancellationToken)
    {
        await Engine.StartContainerAsync(id, cancellationToken).ConfigureAwait(false);
        // The server reads its token from standard input: no process environment or command line holds it where
        // the kernel user could read it (the engine's init keeps the container's environment readable).
        await Engine.WriteStandardInputOnceAsync(id, Token + "\n", cancellationToken).ConfigureAwait(false);
        ExecutorPort = await WaitForPortAsync(id, cancellationToken).ConfigureAwait(false);
        // Before any kernel exists: no cell ever runs with network access it should not have.
        if (firewall is not null)
        {
            Firewall = await ApplyFirewallCoreAsync(firewall, cancellationToken).ConfigureAwait(false);
        }

        await WaitForServerAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops and removes the container. Harmless when it is already gone or was never started.</summary>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <exception cref="DockerUnavailableException">The engine could not be reached; the container may still exist (call again later).</exception>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RemoveCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Removes the container (as <see cref="KillAsync"/>) and releases the Docker client. Never throws: when the engine
    /// cannot be reached it tries again for about 16 s (a connection cut mid-way, an engine that restarts), then the failure is
    /// logged and the container is left; call <see cref="DisposeAsync"/> again once the engine is back to remove it. A container left when the process ends carries the owner labels, so
    /// <c>ipybox cleanup</c> and the next <see cref="SandboxSessionManager"/> start remove it as an orphan.
    /// </summary>
    /// <returns>A task that completes when the container is removed, or its removal failed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.CompareExchange(ref _disposed, Disposing, Live) == Removed)
        {
            return;
        }

        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed == Removed)
            {
                return;
            }

            await StopLeaseKeeperAsync().ConfigureAwait(false);
            if (!RemovesOnDispose)
            {
                // A durable container, or one another object created, outlives this object: only the client is released.
                Log.ContainerDetached(_logger, ContainerId ?? "(none)");
                _engine?.Dispose();
                _engine = null;
                _disposed = Removed;
                return;
            }

            try
            {
                await RemoveRetryingAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.ContainerRemoveFailed(_logger, ContainerId ?? "(none)", ex);
                return;
            }

            _engine?.Dispose();
            _engine = null;
            _disposed = Removed;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Throws a <see cref="ContainerStartException"/> with the container's logs when it is not running.</summary>
    internal Task ThrowIfNotRunningAsync(CancellationToken cancellationToken) =>
        InspectRunningAsync(
            ContainerId ?? throw new InvalidOperationException("The container has not been started; call RunAsync first."),
            "is not running",
            cancellationToken);

    /// <summary>Returns the container's state; throws a <see cref="ContainerStartException"/> with its logs when it is not running.</summary>
    private async Task<ContainerInspectResponse> InspectRunningAsync(string id, string what, CancellationToken cancellationToken)
    {
        var state = await Engine.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new ContainerStartException($"Container {Short(id)} no longer exists.");
        if (state.State?.Running != true)
        {
            throw new ContainerStartException(
                $"Container {Short(id)} from {Image} {what} ({ContainerExit.Describe(state.State, Options.MemoryLimitBytes)}).{GvisorStopHint(state)}",
                await ReadLogsAsync(id, cancellationToken).ConfigureAwait(false));
        }

        return state;
    }

    /// <summary>Says, with a leading space, how a limit ends a sandbox under gVisor; empty under other runtimes or when no limit is to blame.</summary>
    private string GvisorStopHint(ContainerInspectResponse inspected)
    {
        if (!_runtime.IsGvisor)
        {
            return string.Empty;
        }

        if (inspected.State?.OOMKilled == true)
        {
            return " Under gVisor the whole sandbox ends at its memory limit, and gVisor's own memory counts against it too.";
        }

        // gVisor's kernel is a Go program: it exits with 2 when it panics, which it does when it cannot create a thread.
        return inspected.State?.ExitCode == GvisorPanicExitCode && Options.PidsLimit is { } pids
            ? string.Create(
                CultureInfo.InvariantCulture,
                $" gVisor itself stopped, as it does when the sandbox's processes and threads, gVisor's own included, reach ExecutionContainerOptions.PidsLimit ({pids}); start fewer processes, or raise the limit.")
            : string.Empty;
    }

    private CreateContainerParameters CreateParameters(ImageInspectResponse image, string network, IReadOnlyList<string>? firewall)
    {
        var runsAsRoot = image.Config?.User is null or "" or "root" or "0";
        _runsAsRoot = runsAsRoot;
        var hostIp = Options.HostIp ?? (_endpoint.IsRemote ? "0.0.0.0" : "127.0.0.1");

        var environment = Options.Environment.Select(e => $"{e.Key}={e.Value}").ToList();
        // Read by the kernel (ipython_kernel_config.py in the image); a very large number stands for no limit.
        environment.Add(string.Create(CultureInfo.InvariantCulture, $"IPYBOX_CELL_OUTPUT_LIMIT={Options.EffectiveCellOutputLimit}"));

        var labels = ContainerLabels.For(Image, Options.Labels.Concat(_requestLabels));
        // Another process attaching needs the token, and a resume the firewall; whoever can read labels can use the engine.
        labels[ContainerLabels.Token] = Token;
        if (firewall is not null)
        {
            labels[ContainerLabels.Firewall] = System.Text.Json.JsonSerializer.Serialize(firewall);
        }

        if (Lease is { } lease)
        {
            labels[ContainerLabels.Lease] = ContainerLease.LabelOf(lease);
        }

        // Packages installed at run time must survive a stop (durable), and a snapshot's must reach the new sandbox: on a volume.
        var keepsPackages = Lease is not null || image.Config?.Labels?.ContainsKey(ContainerLabels.Snapshot) == true;
        var fileSystem = SandboxFileSystem.For(Options, image, labels, keepsPackages);
        if (fileSystem.Home is { } home && !Options.Environment.ContainsKey("HOME"))
        {
            environment.Add($"HOME={home}");
        }

        return new CreateContainerParameters
        {
            // A unique name, even for a container that is not durable: the engine refuses a second container of that name,
            // which settles a creation whose answer was lost (see UnansweredCreation).
            Name = Lease is { } length ? ContainerLease.NewName(Options.TimeProvider.GetUtcNow() + length) : ContainerLease.NewUnleasedName(),
            Image = Image,
            Env = environment,
            // The token arrives on standard input, written once after the start (see RunAsync).
            OpenStdin = true,
            StdinOnce = true,
            AttachStdin = true,
            Labels = labels,
            ExposedPorts = new Dictionary<string, EmptyStruct> { [PortKey] = default },
            HostConfig = new HostConfig
            {
                PortBindings = new Dictionary<string, IList<PortBinding>>
                {
                    [PortKey] = [new PortBinding { HostIP = hostIp, HostPort = Options.ExecutorPort?.ToString(CultureInfo.InvariantCulture) ?? string.Empty }],
                },
                Binds = CreateBinds(),
                NetworkMode = network,
                SecurityOpt = ["no-new-privileges"],
                // The sandbox holds no capabilities; the firewall is installed by a helper container that joins its
                // network namespace with NET_ADMIN (see InitFirewallAsync).
                CapDrop = runsAsRoot ? null! : ["ALL"],
                DNS = Options.DnsServers.Count > 0 ? [.. Options.DnsServers] : null!,
                Memory = Options.MemoryLimitBytes ?? 0,
                // Swap equal to memory: the kernel is killed at the limit instead of the host swapping.
                MemorySwap = Options.MemoryLimitBytes ?? 0,
                NanoCPUs = Options.CpuLimit is { } cpus ? (long)(cpus * 1_000_000_000) : 0,
                PidsLimit = Options.PidsLimit,
                ReadonlyRootfs = Options.ReadOnlyRootFilesystem,
                Mounts = fileSystem.Mounts,
                Tmpfs = fileSystem.Tmpfs,
                // gVisor cannot run the engine's init in front of the image's: the image's init (tini) becomes PID 2 and
                // fails there, as it registers as a subreaper, which gVisor lacks. As PID 1 it reaps orphans itself.
                Init = Options.Init && !_runtime.IsGvisor,
                Runtime = Options.Runtime!,
                // Anything in the sandbox can write to the container's log (PID 1's output is open to the kernel user),
                // which the engine keeps on the host's disk: bounded, whatever the engine's default.
                LogConfig = new LogConfig { Type = "json-file", Config = new Dictionary<string, string> { ["max-size"] = "1m", ["max-file"] = "2" } },
            },
        };
    }

    private List<string> CreateBinds()
    {
        var binds = new List<string>();
        foreach (var (hostPath, target) in Options.Binds)
        {
            var source = _endpoint.IsRemote ? hostPath : Path.GetFullPath(hostPath);
            if (!_endpoint.IsRemote && !Path.Exists(source))
            {
                HostDirectory.CreateForKernelUser(source);
            }

            binds.Add($"{source}:{AppPath.ToAbsolute(target)}");
        }

        return binds;
    }

    private async Task<int> WaitForPortAsync(string id, CancellationToken cancellationToken)
    {
        var binding = await Poll.UntilAsync(
            $"port {ContainerPort} of container {Short(id)}",
            async ct =>
            {
                var state = await InspectRunningAsync(id, "exited during start", ct).ConfigureAwait(false);
                return state.NetworkSettings?.Ports is { } ports && ports.TryGetValue(PortKey, out var bindings)
                    ? bindings?.FirstOrDefault(b => !string.IsNullOrEmpty(b.HostPort))
                    : null;
            },
            PollSchedule.Fixed(Options.PortAllocationTimeout, s_portPollInterval),
            Options.TimeProvider,
            cancellationToken,
            _ => Task.FromResult<Exception>(new ContainerStartException(
                $"The engine did not publish port {ContainerPort} of container {Short(id)} within {Options.PortAllocationTimeout.TotalSeconds:0.#} s. " +
                "Increase ExecutionContainerOptions.PortAllocationTimeout or check the engine."))).ConfigureAwait(false);
        return int.Parse(binding.HostPort, CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until the kernel server answers HTTP, so a container that dies while starting is reported here.</summary>
    private async Task WaitForServerAsync(string id, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(SandboxServerHttp.CreateHandler(TimeSpan.FromSeconds(2))) { Timeout = TimeSpan.FromSeconds(5) };
        var probe = new UriBuilder("http", Host, ExecutorPort, "api").Uri;
        var time = Options.TimeProvider;
        var lastDeathCheck = time.GetTimestamp();
        await Poll.UntilAsync(
            $"the kernel server in container {Short(id)}",
            async ct =>
            {
                try
                {
                    // Any HTTP answer means the server listens; under a path prefix (IPYBOX_BASE_URL) /api is a 404.
                    using var response = await http.GetAsync(probe, ct).ConfigureAwait(false);
                    return true;
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
                {
                    // Not listening yet.
                }

                // A container that died is found by asking the engine, which costs more than a probe: not every time.
                if (time.GetElapsedTime(lastDeathCheck) >= s_serverDeathCheckInterval)
                {
                    await InspectRunningAsync(id, "exited during start", ct).ConfigureAwait(false);
                    lastDeathCheck = time.GetTimestamp();
                }

                return false;
            },
            PollSchedule.Fixed(Options.StartTimeout, s_serverPollInterval),
            Options.TimeProvider,
            cancellationToken,
            async ct => new ContainerStartException(
                $"The kernel server in container {Short(id)} did not answer on {probe} within {Options.StartTimeout.TotalSeconds:0.#} s. " +
                "Increase ExecutionContainerOptions.StartTimeout if the machine is slow.",
                await ReadLogsAsync(id, ct).ConfigureAwait(false))).ConfigureAwait(false);
    }

    private async Task<string> ReadLogsAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var (stdout, stderr) = await Engine.ReadLogsAsync(id, tail: 50, cancellationToken).ConfigureAwait(false);
            return (stdout + stderr).Trim();
        }
        catch (DockerApiException)
        {
            return string.Empty;
        }
    }

    /// <summary>
    /// Removes the container as <see cref="RemoveCoreAsync"/> does, trying again for a while when the engine cannot be reached:
    /// a connection cut mid-way or an engine that restarts would otherwise leave a running container that nothing removes.
    /// </summary>
    private Task RemoveRetryingAsync() =>
        RetryWhileUnreachableAsync(() => RemoveCoreAsync(CancellationToken.None), () => ContainerId ?? "(none)");

    /// <summary>Runs a removal, trying again after <see cref="s_removalRetryDelays"/> while the engine cannot be reached; the last failure is thrown.</summary>
    private async Task RetryWhileUnreachableAsync(Func<Task> removal, Func<string> what)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await removal().ConfigureAwait(false);
                return;
            }
            catch (DockerUnavailableException ex) when (attempt < s_removalRetryDelays.Length)
            {
                Log.ContainerRemoveRetrying(_logger, what(), s_removalRetryDelays[attempt], ex);
                await Task.Delay(s_removalRetryDelays[attempt], Options.TimeProvider).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Creates the container. When the engine could not be reached the creation may still have happened with its answer lost
    /// (a connection cut after the request went through), may be under way on a busy engine, or may reach the engine later:
    /// <see cref="UnansweredCreation"/> settles it by the container's unique name (see there which orderings it covers) before
    /// the failure is passed on, and watches on in the background when the first look is not conclusive.
    /// </summary>
    private async Task<string> CreateOrRemoveUnansweredAsync(CreateContainerParameters parameters)
    {
        try
        {
            return await Engine.CreateContainerAsync(parameters, CancellationToken.None).ConfigureAwait(false);
        }
        catch (DockerUnavailableException)
        {
            var settlement = new UnansweredCreation(parameters, Options.TimeProvider, _logger);
            _ = await settlement.SettleAsync(Engine, Options.UnansweredCreationWatch).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Removes the container; the id is kept when the engine could not be reached, so a later call can try again.</summary>
    private async Task RemoveCoreAsync(CancellationToken cancellationToken)
    {
        var id = ContainerId;
        if (id is null || _engine is null)
        {
            return;
        }

        // Idempotent: a container that is already gone, or being removed, needs nothing more.
        if (await _engine.RemoveContainerAsync(id, cancellationToken).ConfigureAwait(false))
        {
            Log.ContainerRemoved(_logger, id);
        }

        ContainerId = null;
        ExecutorPort = 0;
    }

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;
}
