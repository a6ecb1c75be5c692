namespace IpyBox.AI;

/// <summary>
/// Settings of the AI tools and of the per-conversation sandboxes behind them
/// (<see cref="SandboxSessionManager"/>, <see cref="IpyBoxPlugin"/>).
/// </summary>
public sealed class IpyBoxOptions
{
    /// <summary>Gets or sets the settings of every sandbox container: image, resource limits, bind mounts, environment variables.</summary>
    /// <value>The default value is a new <see cref="ExecutionContainerOptions"/> (the runtime image, no limits).</value>
    public ExecutionContainerOptions Container { get; set; } = new();

    /// <summary>Gets or sets the settings of the kernel clients: connect timeout, kernel spec, and the execution timeout
    /// (<see cref="ExecutionClientOptions.DefaultTimeout"/>) that an <c>execute_python</c> call gets when the model asks for none.</summary>
    /// <value>The default value is a new <see cref="ExecutionClientOptions"/>.</value>
    public ExecutionClientOptions Client { get; set; } = new();

    /// <summary>Gets or sets the largest execution timeout a model may ask for through the tool's <c>timeout_seconds</c> argument.</summary>
    /// <value>The default value is 600 seconds.</value>
    public TimeSpan MaxExecutionTimeout { get; set; } = TimeSpan.FromSeconds(600);

    /// <summary>Gets or sets how long one <c>install_packages</c> call may run.</summary>
    /// <value>The default value is 300 seconds.</value>
    public TimeSpan PackageInstallTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// Gets or sets the longest text a tool returns to the model. Longer output is cut in the middle: the head and the
    /// tail are kept and a marker says how much was left out.
    /// </summary>
    /// <value>The default value is 20,000 characters.</value>
    public int MaxOutputCharacters { get; set; } = 20_000;

    /// <summary>Gets or sets how many of the last lines of a Python traceback a tool returns with an error.</summary>
    /// <value>The default value is 20 lines.</value>
    public int MaxTracebackLines { get; set; } = 20;

    /// <summary>
    /// Gets the host directories the file tools may read from and write to. Paths are canonicalised and symbolic links
    /// resolved before they are compared, so a link cannot lead out of an allowed directory.
    /// </summary>
    /// <value>The default value is empty: the file tools refuse every host path.</value>
    public IList<string> AllowedHostDirectories { get; } = [];

    /// <summary>Gets or sets how long a conversation's sandbox may stay unused before it is removed.</summary>
    /// <value>The default value is 15 minutes. <see cref="Timeout.InfiniteTimeSpan"/> keeps sandboxes until they are ended or the manager is disposed.</value>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets the maximum number of live sandboxes (one per conversation).</summary>
    /// <remarks>With <see cref="Durability"/>, only running sandboxes count: paused and stopped ones wait on the engine.</remarks>
    /// <value>The default value is 8.</value>
    public int MaxSessions { get; set; } = 8;

    /// <summary>
    /// Gets or sets how conversations outlive this process: with a value, each conversation's sandbox is durable, found again
    /// by its conversation key after a restart, and paused or stopped when idle instead of removed (docs/durable-sandboxes.md).
    /// </summary>
    /// <value>The default value is <see langword="null"/>: a conversation's sandbox lives as long as the manager and is removed when idle.</value>
    public DurableSessionOptions? Durability { get; set; }

    /// <summary>Gets or sets what happens when a new conversation needs a sandbox and <see cref="MaxSessions"/> are live.</summary>
    /// <value>The default value is <see cref="SessionLimitBehavior.EvictLeastRecentlyUsed"/>.</value>
    public SessionLimitBehavior SessionLimitBehavior { get; set; } = SessionLimitBehavior.EvictLeastRecentlyUsed;

    /// <summary>
    /// Gets or sets the conversation key used when a tool call carries none (no bound key, no <see cref="IpyBoxConversation"/>
    /// scope, no key from <see cref="ConversationKeySources"/>, the chat options or the kernel data).
    /// </summary>
    /// <remarks>
    /// Setting a key is an explicit opt-in to one sandbox shared by every unkeyed call: callers that the application did not
    /// tell apart then see each other's variables and files. Leave it <see langword="null"/> unless every caller of the
    /// tools is the same user (a console tool, a test).
    /// </remarks>
    /// <value>The default value is <see langword="null"/>: a call without a key fails with a message that says how to give one.</value>
    public string? DefaultConversationKey { get; set; }

    /// <summary>
    /// Gets the extra places the tools look for a conversation key, asked in order after the bound key and the ambient
    /// <see cref="IpyBoxConversation"/> key. Integration packages add theirs (the Agent Framework package adds the current
    /// agent session).
    /// </summary>
    /// <value>The default value is empty.</value>
    public IList<IConversationKeySource> ConversationKeySources { get; } = [];

    /// <summary>Gets or sets a value indicating whether code execution and package installation require the application's approval on every surface.</summary>
    /// <remarks>
    /// Microsoft.Extensions.AI and Agent Framework: <see cref="IpyBoxPlugin.AsAIFunctions"/> wraps them in <c>ApprovalRequiredAIFunction</c>,
    /// so the chat client returns <c>ToolApprovalRequestContent</c> for the application to answer. Semantic Kernel: the functions run only
    /// when an <see cref="IpyBoxApprovalFilter"/> on the kernel approved the call; without one they refuse to run.
    /// </remarks>
    public bool RequireApproval { get; set; }

    /// <summary>
    /// Gets or sets the limits of the notebook each conversation's sandbox records: its cells and their outputs, exported with
    /// <see cref="SandboxSessionManager.ExportNotebookAsync"/>. <see langword="null"/> turns recording off.
    /// </summary>
    /// <value>The default value is a new <see cref="NotebookRecordingOptions"/> (recording on, 500 cells, 16 MiB per conversation).</value>
    public NotebookRecordingOptions? Notebooks { get; set; } = new();

    /// <summary>
    /// Gets or sets a value indicating whether the model gets an <c>export_notebook</c> tool that saves the conversation's
    /// notebook as a file in the sandbox (under <c>/app</c>). Requires <see cref="Notebooks"/>.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: the application exports notebooks; the model cannot.</value>
    public bool AllowNotebookExportTool { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether telemetry records code and outputs: the tools' <c>gen_ai.tool.call.arguments</c> and
    /// <c>gen_ai.tool.call.result</c>, and (through <c>UseOpenTelemetry</c>) the executions' <c>ipybox.execution.code</c> and
    /// <c>ipybox.execution.output</c>. They can hold secrets and personal data; turn this on only where traces may hold them.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool EnableSensitiveTelemetryData { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether <c>AddIpyBox</c> leaves out its health check <c>ipybox</c>
    /// (<see cref="IpyBoxHealthCheck"/>), as Aspire components' <c>DisableHealthChecks</c> does: set it when the application
    /// checks the engine itself or its health endpoint must not reach a Docker engine. Read when the health check service's
    /// options are built; without dependency injection it has no effect.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: the check is registered.</value>
    public bool DisableHealthChecks { get; set; }

    /// <summary>
    /// Gets the host tools every conversation's sandbox gets as Python packages (<c>mcptools.&lt;name&gt;</c>), registered when
    /// the sandbox is created (also one taken from a warm pool). Any <c>AIFunction</c> can be a tool. For one conversation
    /// only, use <see cref="SandboxSessionManager.AddHostToolsAsync"/>.
    /// </summary>
    /// <value>The default value is empty.</value>
    public IList<HostToolSet> HostToolSets { get; } = [];

    /// <summary>
    /// Gets the MCP servers whose tools every conversation's sandbox gets as Python packages named after the servers. The
    /// servers are started or reached once, when the first sandbox is created, and closed with the session manager. For one
    /// conversation only, use <see cref="SandboxSessionManager.AddMcpServerToolsAsync"/>.
    /// </summary>
    /// <value>The default value is empty.</value>
    public IList<McpServerDefinition> McpServers { get; } = [];

    /// <summary>
    /// Gets or sets how calls from sandbox code to the tools of <see cref="HostToolSets"/>, <see cref="McpServers"/> and the
    /// per-conversation registrations are approved and bounded. The bridges log through the session manager's logger factory.
    /// </summary>
    /// <value>The default value is a new <see cref="ToolBridgeOptions"/>: every call needs the approval of its
    /// <see cref="ToolBridgeOptions.ApprovalHandler"/>, and without one every call is rejected.</value>
    public ToolBridgeOptions ToolBridge { get; set; } = new();

    /// <summary>
    /// Gets or sets a value indicating whether the AI tools include the functions that list the sandbox's tool packages and
    /// return their source even when <see cref="HostToolSets"/> and <see cref="McpServers"/> are empty. Set it when tools are
    /// registered per conversation only.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: the functions are included only when tools are registered for every conversation.</value>
    public bool IncludeToolDiscovery { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the AI tools are only <c>execute_python</c>, <c>search_tools</c> and
    /// <c>describe_tool</c>: for tool sets too large to list, the model finds tools by search, reads the one it needs and
    /// calls it from code. The other sandbox tools (packages, files, reset, listings) are left out.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: every sandbox tool the options allow is offered.</value>
    public bool SearchAndExecuteOnly { get; set; }

    /// <summary>
    /// Gets or sets the store of skills: Python code that agents saved (<c>save_skill</c>), loaded into every new sandbox of its
    /// scope as the package <c>skills</c> and listed in the tool search.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: no skills.</value>
    public SkillStore? Skills { get; set; }

    /// <summary>
    /// Gets or sets the function that gives a conversation's tenant, whose skills its sandbox gets (with the application's)
    /// and to whose scope its saves go; a <see langword="null"/> result is the application's scope.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: every conversation has the application's scope.</value>
    public Func<string, string?>? SkillTenant { get; set; }

    /// <summary>Checks the options and throws an error that says how to fix the first problem found.</summary>
    /// <exception cref="ArgumentException">An option has an invalid value.</exception>
    public void Validate()
    {
        if (Validation.FirstError(this) is { } error)
        {
            throw new ArgumentException(error);
        }
    }

    /// <summary>The checks shared by <see cref="Validate"/> and the options validator.</summary>
    internal static class Validation
    {
        public static string? FirstError(IpyBoxOptions options)
        {
            if (options.Container is null || options.Client is null)
            {
                return "IpyBoxOptions.Container and IpyBoxOptions.Client must not be null.";
            }

            try
            {
                options.Container.Validate();
                options.Client.Validate();
            }
            catch (ArgumentException ex)
            {
                return ex.Message;
            }

            if (!IsPositive(options.MaxExecutionTimeout) || !IsPositive(options.PackageInstallTimeout))
            {
                return "MaxExecutionTimeout and PackageInstallTimeout must be positive (or Timeout.InfiniteTimeSpan).";
            }

            if (options.MaxOutputCharacters < 200)
            {
                return $"MaxOutputCharacters is {options.MaxOutputCharacters}; use at least 200 so a truncated output still says something.";
            }

            if (options.MaxTracebackLines < 1)
            {
                return "MaxTracebackLines must be at least 1.";
            }

            if (!IsPositive(options.SessionIdleTimeout))
            {
                return "SessionIdleTimeout must be positive, or Timeout.InfiniteTimeSpan to keep sandboxes until they are ended.";
            }

            if (options.MaxSessions < 1)
            {
                return $"MaxSessions is {options.MaxSessions}; allow at least 1 live sandbox.";
            }

            if (!Enum.IsDefined(options.SessionLimitBehavior))
            {
                return $"SessionLimitBehavior {options.SessionLimitBehavior} is not a defined value.";
            }

            if (options.Durability?.FirstError() is { } durabilityError)
            {
                return durabilityError;
            }

            if (options.DefaultConversationKey is { Length: 0 })
            {
                return "DefaultConversationKey must be null (require a key) or a non-empty key.";
            }

            if (options.AllowNotebookExportTool && options.Notebooks is null)
            {
                return "AllowNotebookExportTool needs notebook recording: set IpyBoxOptions.Notebooks (null turns recording off).";
            }

            try
            {
                options.Notebooks?.Validate();
            }
            catch (ArgumentException ex)
            {
                return $"IpyBoxOptions.Notebooks: {ex.Message}";
            }

            if (options.ConversationKeySources.Any(source => source is null))
            {
                return "ConversationKeySources contains null; remove it.";
            }

            if (ToolsError(options) is { } toolsError)
            {
                return toolsError;
            }

            foreach (var directory in options.AllowedHostDirectories)
            {
                if (string.IsNullOrWhiteSpace(directory))
                {
                    return "AllowedHostDirectories contains an empty path; remove it or give a directory.";
                }
            }

            return null;
        }

        private static string? ToolsError(IpyBoxOptions options)
        {
            if (options.ToolBridge is null)
            {
                return "IpyBoxOptions.ToolBridge must not be null.";
            }

            HashSet<string> names = new(StringComparer.Ordinal);
            foreach (var set in options.HostToolSets)
            {
                if (set is null || !names.Add(set.Name))
                {
                    return set is null ? "IpyBoxOptions.HostToolSets contains null." : $"Two tool sets are named '{set.Name}'; give each set and MCP server its own name.";
                }
            }

            foreach (var server in options.McpServers)
            {
                if (server is null)
                {
                    return "IpyBoxOptions.McpServers contains null.";
                }

                try
                {
                    server.Validate();
                }
                catch (ArgumentException ex)
                {
                    return ex.Message;
                }

                if (!names.Add(server.Name))
                {
                    return $"Two tool sets are named '{server.Name}'; give each set and MCP server its own name.";
                }
            }

            return null;
        }

        private static bool IsPositive(TimeSpan value) => value > TimeSpan.Zero || value == Timeout.InfiniteTimeSpan;
    }
}
