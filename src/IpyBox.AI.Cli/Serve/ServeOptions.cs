namespace IpyBox.AI.Cli.Serve;

/// <summary>The settings of <c>ipybox serve</c> beyond the sandboxes' container options.</summary>
internal sealed class ServeOptions
{
    /// <summary>The address the service listens on unless <c>--urls</c> says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8765";

    /// <summary>Gets or sets the addresses to listen on.</summary>
    /// <value>The default value is <see cref="DefaultUrl"/>.</value>
    public IReadOnlyList<string> Urls { get; set; } = [DefaultUrl];

    /// <summary>Gets or sets the bearer tokens; without any and without <see cref="OAuth"/>, the service serves loopback clients only, all as <see cref="OpenPrincipal"/>.</summary>
    public BearerTokens Tokens { get; set; } = BearerTokens.None;

    /// <summary>Gets or sets the OAuth 2.1 resource-server settings, or <see langword="null"/> when OAuth access tokens are not accepted.</summary>
    public ServeOAuthOptions? OAuth { get; set; }

    /// <summary>The principal of every request when neither tokens nor OAuth are configured.</summary>
    public const string OpenPrincipal = "local";

    /// <summary>Gets or sets the most sandboxes one principal may have on the engine.</summary>
    /// <value>The default value is 10.</value>
    public int MaxSandboxesPerPrincipal { get; set; } = 10;

    /// <summary>Gets or sets the most cells and installations one principal may run at once.</summary>
    /// <value>The default value is 4.</value>
    public int MaxConcurrentExecutionsPerPrincipal { get; set; } = 4;

    /// <summary>Gets or sets the lease of a sandbox the service creates; renewed while the service holds it attached.</summary>
    /// <value>The default value is one hour.</value>
    public TimeSpan Lease { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how long an unused sandbox stays attached in the service before it is detached (its lease then runs down).</summary>
    /// <value>The default value is five minutes.</value>
    public TimeSpan AttachIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the most sandboxes the service keeps attached at once, over all principals; the least recently used is detached first.</summary>
    /// <value>The default value is 64.</value>
    public int MaxAttached { get; set; } = 64;

    /// <summary>Gets or sets the largest file <c>upload_file</c> and <c>download_file</c> carry inline, in bytes.</summary>
    /// <value>The default value is 8 MiB.</value>
    public long MaxFileBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>Gets or sets the largest request body the service reads, in bytes.</summary>
    /// <value>The default value is 16 MiB.</value>
    public long MaxRequestBodyBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Gets or sets the MCP servers whose tools every served sandbox can import as <c>mcptools.&lt;name&gt;</c> packages.</summary>
    /// <value>The default value is none.</value>
    public IReadOnlyList<McpServerDefinition> McpServers { get; set; } = [];

    /// <summary>Gets or sets a value indicating whether every call from sandbox code to a host tool is rejected (the packages can still be imported and read).</summary>
    /// <value>The default value is <see langword="false"/>: the operator who configured the servers approves their calls.</value>
    public bool DenyHostToolCalls { get; set; }

    /// <summary>Gets or sets a value indicating whether the log on stderr is one JSON object per line instead of one line of text per event.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool JsonLogs { get; set; }

    /// <summary>Gets or sets how long running cells may take to finish after SIGTERM or Ctrl+C before they are interrupted.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
