namespace IpyBox.AI;

/// <summary>Settings of an <see cref="ExecutionContainer"/>.</summary>
public sealed class ExecutionContainerOptions
{
    /// <summary>Gets or sets the image to run.</summary>
    /// <value>
    /// The default value is <see langword="null"/>: the library's runtime image (<see cref="RuntimeImage.DefaultTag"/>),
    /// built from the embedded context when missing. Any other tag is pulled when missing.
    /// </value>
    public string? Image { get; set; }

    /// <summary>Gets the bind mounts: host path → path relative to <c>/app</c> in the container.</summary>
    /// <remarks>A host directory that does not exist is created (on a local engine). The kernel runs as UID 1000.</remarks>
    public IDictionary<string, string> Binds { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the environment variables of the container.</summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets extra labels of the container, added to the library's own <c>ai.ipybox.*</c> labels.</summary>
    public IDictionary<string, string> Labels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the host port the kernel server is published on.</summary>
    /// <value>The default value is <see langword="null"/>: a free port chosen by the engine.</value>
    public int? ExecutorPort { get; set; }

    /// <summary>Gets or sets the host address the kernel server is published on.</summary>
    /// <value>
    /// The default value is <see langword="null"/>: <c>127.0.0.1</c> for a local engine, <c>0.0.0.0</c> for a
    /// <c>tcp://</c> engine on another host (the per-container token protects the port).
    /// </value>
    public string? HostIp { get; set; }

    /// <summary>Gets or sets the Docker engine endpoint, e.g. <c>unix:///var/run/docker.sock</c> or <c>tcp://10.0.0.5:2375</c>.</summary>
    /// <value>The default value is <see langword="null"/>: <c>DOCKER_HOST</c>, then the Docker context, then the local socket.</value>
    public Uri? DockerEndpoint { get; set; }

    /// <summary>Gets or sets the memory limit in bytes. Swap is limited to the same value, so the sandbox never swaps.</summary>
    /// <remarks>
    /// A kernel that allocates beyond the limit is killed by the kernel's OOM killer (the container and its server keep
    /// running); the execution ends with a <see cref="KernelDiedException"/> that says so. Files in <c>/tmp</c>, the kernel's
    /// home and runtime-installed packages live in memory (tmpfs) and count against this limit too, and so does <c>/app</c>
    /// when <see cref="AppSizeLimitBytes"/> is set.
    /// </remarks>
    /// <value>The default value is 2 GiB. <see langword="null"/> for no limit.</value>
    public long? MemoryLimitBytes { get; set; } = 2L << 30;

    /// <summary>Gets or sets the CPU limit in cores, e.g. <c>1.5</c>.</summary>
    /// <value>The default value is 2 cores. <see langword="null"/> for no limit.</value>
    public double? CpuLimit { get; set; } = 2.0;

    /// <summary>Gets or sets the maximum number of processes and threads in the container; a fork bomb stops there.</summary>
    /// <value>The default value is 512. <see langword="null"/> for no limit.</value>
    public long? PidsLimit { get; set; } = 512;

    /// <summary>Gets or sets how much output one execution may send: characters of text, plus the encoded data of rich outputs.</summary>
    /// <remarks>
    /// Counted in the kernel, where the output is made: a cell that prints without end would otherwise make messages faster
    /// than they can be passed on, until they fill the sandbox's memory. Past the limit the rest of the execution's output
    /// is dropped, its stderr says so once (naming this option), and the code that wrote it is stopped with
    /// <c>OutputLimitExceeded</c>; code that catches that and keeps writing sends nothing more until its timeout interrupts
    /// it. The host keeps at most <see cref="ExecutionClientOptions.MaxOutputLength"/> of what arrives. Output on its way
    /// is held by the kernel and the server several times over, so the limit applied is at most a sixteenth of
    /// <see cref="MemoryLimitBytes"/> (32 MiB of characters for 512 MiB): a flood then ends before it fills the sandbox.
    /// </remarks>
    /// <value>The default value is 100,000,000. <see langword="null"/> for no limit other than the memory's share.</value>
    public long? CellOutputLimit { get; set; } = 100_000_000;

    /// <summary>Gets the output limit the kernel applies: <see cref="CellOutputLimit"/>, at most a sixteenth of the memory limit.</summary>
    internal long EffectiveCellOutputLimit =>
        Math.Min(CellOutputLimit ?? long.MaxValue, MemoryLimitBytes is { } memory ? Math.Max(memory / 16, 1) : long.MaxValue);

    /// <summary>Gets or sets the size of <c>/app</c>, the sandbox's working directory; writing beyond it fails with <c>ENOSPC</c>.</summary>
    /// <remarks>
    /// <para>
    /// When set, <c>/app</c> is a volume in memory (a tmpfs the engine mounts), created with the container and removed with
    /// it: its files count against <see cref="MemoryLimitBytes"/>, and they are gone as soon as the container stops, so
    /// files of a stopped container can no longer be rescued. Bind mounts below <c>/app</c> are not counted.
    /// </para>
    /// <para>
    /// When <see langword="null"/>, <c>/app</c> is a volume on the engine's disk without a size limit: the overlay2 storage
    /// driver can limit a container's disk use only on XFS with project quotas (<c>--storage-opt size</c>), which common
    /// engines (ext4 hosts, Docker Desktop) do not have. Limit <c>/app</c> this way when disk use matters more than rescuing
    /// files from a stopped sandbox.
    /// </para>
    /// </remarks>
    /// <value>The default value is <see langword="null"/>: no limit, files outlive a stopped container.</value>
    public long? AppSizeLimitBytes { get; set; }

    /// <summary>Gets or sets the size of each of the writable scratch areas: <c>/tmp</c>, the kernel user's home and the directory that runtime <c>pip install</c> writes to.</summary>
    /// <remarks>Used only with <see cref="ReadOnlyRootFilesystem"/>; each is a tmpfs of this size.</remarks>
    /// <value>The default value is 512 MiB.</value>
    public long ScratchSizeLimitBytes { get; set; } = 512L << 20;

    /// <summary>Gets or sets a value indicating whether the container's root file system is read-only.</summary>
    /// <remarks>
    /// When <see langword="true"/>, only <c>/app</c>, <c>/tmp</c>, the kernel user's home and the package directory
    /// (<c>/opt/venv/user</c> in the runtime image, where <c>pip install</c> puts packages at run time) are writable.
    /// Turn it off for images that write elsewhere.
    /// </remarks>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ReadOnlyRootFilesystem { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the engine runs an init process as PID 1 that reaps zombie processes (<c>docker run --init</c>).</summary>
    /// <remarks>
    /// Under gVisor (a <see cref="Runtime"/> whose binary is <c>runsc</c>) the engine's init is left out whatever this says:
    /// it would make the image's init (<c>tini</c> in the runtime image) PID 2, where tini registers as a subreaper, which
    /// gVisor does not support, and the container would not start. The image's tini then runs as PID 1 and reaps orphaned
    /// processes itself. An image of your own run under gVisor needs an init of its own as its entrypoint for that. On an
    /// engine whose default runtime is gVisor, name it in <see cref="Runtime"/> (or turn this off): the engine's default is
    /// not looked up.
    /// </remarks>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Init { get; set; } = true;

    /// <summary>Gets or sets the OCI runtime the engine runs the container with, e.g. <c>runsc</c> (gVisor) or <c>kata-runtime</c>.</summary>
    /// <remarks>
    /// <para>
    /// The runtime must be registered in the engine (<c>docker info</c> lists them; <c>eng/prepare-docker.sh --gvisor</c>
    /// registers gVisor as <c>runsc</c>); <see cref="ExecutionContainer.RunAsync"/> fails with a
    /// <see cref="ContainerStartException"/> that lists the engine's runtimes when it knows none of this name. A stronger
    /// runtime isolates the sandbox from the host's kernel; see docs/security.md ("Running under gVisor").
    /// </para>
    /// <para>
    /// Under gVisor (a runtime whose binary is <c>runsc</c>) nothing else needs changing: the engine's <see cref="Init"/>
    /// is left out and the image's tini reaps as PID 1. Two limits act on the whole sandbox there, not on the kernel alone:
    /// a cell that goes beyond <see cref="MemoryLimitBytes"/> ends the sandbox (the error says it was OOM-killed), and
    /// <see cref="PidsLimit"/> counts gVisor's own threads too (about 90 with an idle kernel), so a fork bomb ends the
    /// sandbox instead of failing with <c>EAGAIN</c> in the cell. Either way the host is protected and the sandbox is
    /// reported unavailable, so a session replaces it.
    /// </para>
    /// </remarks>
    /// <value>The default value is <see langword="null"/>: the engine's default runtime (usually <c>runc</c>).</value>
    public string? Runtime { get; set; }

    /// <summary>Gets or sets how long <see cref="ExecutionContainer.RunAsync"/> waits for the engine to publish the port.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan PortAllocationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long <see cref="ExecutionContainer.RunAsync"/> waits for the kernel server to answer once the port is published.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long a download from the sandbox may go without receiving a byte, the first one included.</summary>
    /// <remarks>
    /// Everything in the sandbox is untrusted, its kernel server included: a file swapped for a FIFO or a device after it was
    /// checked, or a server taken over by the sandbox's code, can keep a download waiting without end. Past this bound
    /// <see cref="ResourceClient"/>'s downloads and listings fail with a <see cref="FileTransferTimeoutException"/> and leave
    /// nothing on the host. <see cref="Timeout.InfiniteTimeSpan"/> turns the bound off.
    /// </remarks>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan FileTransferIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long one download from the sandbox (a file, a directory, a listing) may take in all.</summary>
    /// <remarks>
    /// The bound for a download that trickles: a byte now and then keeps <see cref="FileTransferIdleTimeout"/> quiet. Past it
    /// the download fails with a <see cref="FileTransferTimeoutException"/> and leaves nothing on the host. Local downloads
    /// run at hundreds of MB/s, so the default leaves room for files of many GB. <see cref="Timeout.InfiniteTimeSpan"/>
    /// turns the bound off (the caller's token still ends a download).
    /// </remarks>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan FileTransferTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the most bytes one download from the sandbox (a file, or a directory's whole archive) may bring to the host.</summary>
    /// <remarks>
    /// A sparse file, a file that keeps growing, a device or a taken-over kernel server can send bytes without end; past this
    /// bound the download fails with an <see cref="IOException"/> that names the limit, and what was written is removed. A
    /// file whose size is over the bound is refused before anything is transferred. <see langword="null"/> for no limit.
    /// </remarks>
    /// <value>The default value is 4 GiB.</value>
    public long? MaxDownloadBytes { get; set; } = 4L << 30;

    /// <summary>Gets or sets the name of a Docker network to attach the container to instead of the library's sandbox network.</summary>
    /// <remarks>
    /// When <see langword="null"/>, the container joins <c>ipybox-sandboxes</c>, a bridge network the library creates on the
    /// engine on first use with traffic between its containers switched off: sandboxes cannot connect to each other, while
    /// the host reaches each through its published port and outbound access is unchanged. Name a network (for example
    /// <c>bridge</c>, the engine's default) for sandboxes that must reach each other or other containers.
    /// </remarks>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Network { get; set; }

    /// <summary>Gets or sets a value indicating whether the sandbox starts without any outbound network access.</summary>
    /// <remarks>
    /// <see cref="ExecutionContainer.RunAsync"/> installs the firewall with an empty allow-list and DNS blocked before it
    /// returns, so no cell ever runs with network access. The container stays on its network (its published port
    /// is how the library reaches the kernel server); loopback inside the sandbox keeps working. A later
    /// <see cref="ExecutionContainer.InitFirewallAsync"/> replaces these rules. Needs a non-root image.
    /// </remarks>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool DisableNetwork { get; set; }

    /// <summary>Gets the destinations the sandbox may reach: domain names (resolved once, at start), IPv4 addresses and IPv4 CIDR ranges.</summary>
    /// <remarks>
    /// When the list has entries, <see cref="ExecutionContainer.RunAsync"/> installs the firewall before it returns, so no
    /// cell ever runs unfiltered; everything else outbound is blocked (DNS stays allowed). Same rules as
    /// <see cref="ExecutionContainer.InitFirewallAsync"/>. Needs a non-root image; cannot be combined with <see cref="DisableNetwork"/>.
    /// </remarks>
    /// <value>The default value is empty: outbound traffic is not restricted.</value>
    public IList<string> FirewallAllowList { get; } = new List<string>();

    /// <summary>Gets the DNS servers of the container (IPv4 addresses).</summary>
    /// <remarks>On a user-defined network these are the servers Docker's embedded DNS forwards to for names it does not know.</remarks>
    /// <value>The default value is empty: the engine's DNS configuration.</value>
    public IList<string> DnsServers { get; } = new List<string>();

    /// <summary>Gets or sets the sink for image build and pull progress.</summary>
    /// <remarks>Called synchronously, in order, on the thread that reads the engine's progress stream.</remarks>
    /// <value>The default value is <see langword="null"/>.</value>
    public IProgress<ImageProgress>? Progress { get; set; }

    /// <summary>Gets or sets the clock that start-up waits (port, kernel server) are measured with.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Gets or sets how long a creation whose answer was lost is watched for (see <see cref="UnansweredCreation"/>): within the
    /// soak's settle limit and long enough for a busy engine to get to a request that was on its way.
    /// </summary>
    internal TimeSpan UnansweredCreationWatch { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Checks the options and throws an error that says how to fix the first problem found.</summary>
    /// <exception cref="ArgumentException">An option has an invalid value.</exception>
    public void Validate()
    {
        if (Image is not null && string.IsNullOrWhiteSpace(Image))
        {
            throw new ArgumentException("Image must be null (the runtime image) or a non-empty image reference.", nameof(Image));
        }

        if (ExecutorPort is < 0 or > 65535)
        {
            throw new ArgumentException($"ExecutorPort {ExecutorPort} is not a TCP port: use 1-65535, or null for a free port.", nameof(ExecutorPort));
        }

        if (TimeProvider is null)
        {
            throw new ArgumentException("TimeProvider must not be null; use TimeProvider.System for the real clock.", nameof(TimeProvider));
        }

        if (PortAllocationTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("PortAllocationTimeout must be positive.", nameof(PortAllocationTimeout));
        }

        if (StartTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("StartTimeout must be positive.", nameof(StartTimeout));
        }

        if ((FileTransferIdleTimeout <= TimeSpan.Zero && FileTransferIdleTimeout != Timeout.InfiniteTimeSpan) ||
            (FileTransferTimeout <= TimeSpan.Zero && FileTransferTimeout != Timeout.InfiniteTimeSpan))
        {
            throw new ArgumentException(
                "FileTransferIdleTimeout and FileTransferTimeout must be positive, or Timeout.InfiniteTimeSpan for no bound.",
                FileTransferIdleTimeout <= TimeSpan.Zero && FileTransferIdleTimeout != Timeout.InfiniteTimeSpan ? nameof(FileTransferIdleTimeout) : nameof(FileTransferTimeout));
        }

        if (MaxDownloadBytes is <= 0)
        {
            throw new ArgumentException("MaxDownloadBytes must be positive, or null for no limit.", nameof(MaxDownloadBytes));
        }

        if (MemoryLimitBytes is <= 0 || PidsLimit is <= 0 || CpuLimit is <= 0 || AppSizeLimitBytes is <= 0 || CellOutputLimit is <= 0)
        {
            throw new ArgumentException("Resource limits must be positive, or null for no limit.");
        }

        if (ScratchSizeLimitBytes <= 0)
        {
            throw new ArgumentException("ScratchSizeLimitBytes must be positive.", nameof(ScratchSizeLimitBytes));
        }

        if (Runtime is not null && string.IsNullOrWhiteSpace(Runtime))
        {
            throw new ArgumentException("Runtime must be null (the engine's default) or the name of a runtime the engine knows, e.g. runsc.", nameof(Runtime));
        }

        if (HostIp is not null && !System.Net.IPAddress.TryParse(HostIp, out _))
        {
            throw new ArgumentException($"HostIp '{HostIp}' is not an IP address.", nameof(HostIp));
        }

        foreach (var (host, target) in Binds)
        {
            if (string.IsNullOrWhiteSpace(host))
            {
                throw new ArgumentException("A bind mount has an empty host path.", nameof(Binds));
            }

            AppPath.Normalize(target);
        }

        if (DisableNetwork && FirewallAllowList.Count > 0)
        {
            throw new ArgumentException("DisableNetwork blocks all outbound traffic, so FirewallAllowList must be empty with it; use one or the other.", nameof(FirewallAllowList));
        }

        foreach (var entry in FirewallAllowList)
        {
            ExecutionContainer.ValidateFirewallEntry(entry);
        }

        foreach (var server in DnsServers)
        {
            if (!System.Net.IPAddress.TryParse(server, out _))
            {
                throw new ArgumentException($"DNS server '{server}' is not an IP address.", nameof(DnsServers));
            }
        }

        foreach (var name in Environment.Keys)
        {
            if (string.IsNullOrEmpty(name) || name.Contains('=', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Environment variable name '{name}' is invalid: it must be non-empty and contain no '='.", nameof(Environment));
            }
        }
    }
}
