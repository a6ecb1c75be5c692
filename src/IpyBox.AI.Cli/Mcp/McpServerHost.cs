using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using ModelContextProtocol.Server;

namespace IpyBox.AI.Cli.Mcp;

/// <summary>
/// Builds the MCP server of <c>ipybox mcp</c> on the library's public API: <c>AddIpyBox</c> with one conversation, whose
/// sandbox starts at launch and is removed when the host stops, and the tools over <see cref="SandboxTools"/>.
/// </summary>
internal static class McpServerHost
{
    /// <summary>The one conversation of the server: every tool call uses its sandbox.</summary>
    public const string ConversationKey = "mcp";

    /// <summary>Builds the stdio server: stdout carries only the protocol, logs go to stderr.</summary>
    /// <param name="configure">Sets the container options and allowed host directories from the command line.</param>
    /// <param name="logLevel">The minimum level of the log.</param>
    /// <param name="toolDiscovery">Whether to serve the tools that list the sandbox's tool packages (when MCP servers are configured).</param>
    /// <param name="searchAndExecuteOnly">Whether to serve only <c>execute_ipython_cell</c>, <c>search_tools</c> and <c>describe_tool</c>.</param>
    /// <param name="skills">Whether to serve <c>save_skill</c> (the options configure <see cref="IpyBoxOptions.Skills"/>).</param>
    public static IHost Build(Action<IpyBoxOptions> configure, LogLevel logLevel, bool toolDiscovery = false, bool searchAndExecuteOnly = false, bool skills = false)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Logging.AddConsole(o =>
        {
            o.FormatterName = McpLogFormatter.Name;
            o.LogToStandardErrorThreshold = LogLevel.Trace;
        });
        builder.Logging.Services.AddSingleton<ConsoleFormatter>(new McpLogFormatter(logLevel));
        var input = new ClientInputStream(Console.OpenStandardInput());
        builder.Services.AddIpyBoxMcpServer(configure, toolDiscovery, searchAndExecuteOnly, skills).WithStreamServerTransport(input, new BufferedStream(Console.OpenStandardOutput()));
        var host = builder.Build();

        // A client that goes away (closes stdin) stops the server at once: the calls in flight are cancelled and the sandbox
        // removed, instead of both waiting for a cell nobody will read to end on its own.
        input.Closed.Register(host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication);
        return host;
    }

    /// <summary>Registers the sandbox of the server's one conversation and the MCP tools; the caller adds a transport.</summary>
    /// <param name="services">The host's services. An <see cref="ISandboxProvider"/> registered there replaces the Docker provider.</param>
    /// <param name="configure">Sets the container options and allowed host directories.</param>
    /// <param name="toolDiscovery">Whether to serve the tools that list the sandbox's tool packages and show their source.</param>
    /// <param name="searchAndExecuteOnly">
    /// Whether the client sees only <c>execute_ipython_cell</c>, <c>search_tools</c> and <c>describe_tool</c>: for tool sets too
    /// large to list, the client finds tools by search and calls them from code.
    /// </param>
    /// <param name="skills">
    /// Whether to serve <c>save_skill</c> and the discovery tools (skills are found by search); <paramref name="configure"/> sets
    /// <see cref="IpyBoxOptions.Skills"/>. In the search-and-execute mode it is served as well, as the one way to save a skill.
    /// </param>
    /// <returns>The MCP server builder, to add a transport to.</returns>
    public static IMcpServerBuilder AddIpyBoxMcpServer(
        this IServiceCollection services, Action<IpyBoxOptions> configure, bool toolDiscovery = false, bool searchAndExecuteOnly = false, bool skills = false)
    {
        services.AddIpyBox(options =>
        {
            configure(options);

            // One client, one conversation: its sandbox lives as long as the server, and the client's timeouts are its own.
            options.MaxSessions = 1;
            options.SessionIdleTimeout = Timeout.InfiniteTimeSpan;
            options.MaxExecutionTimeout = Timeout.InfiniteTimeSpan;
            options.DefaultConversationKey = ConversationKey;
        });
        services.AddOptions<IpyBoxOptions>().Configure<ILoggerFactory>((options, loggers) =>
            options.Container.Progress ??= new ImageProgressLog(loggers.CreateLogger(typeof(McpServerHost).FullName!)));

        // Before the MCP server's own hosted service, so that it stops after it: the sandbox goes last.
        services.AddHostedService<SandboxLifetime>();
        var server = services
            .AddMcpServer(o => o.ServerInfo = new() { Name = "ipybox", Version = typeof(McpServerHost).Assembly.GetName().Version?.ToString(3) ?? "0.0.0" })
            .WithTools<McpTools>();
        if (skills)
        {
            server.WithTools<McpSkillTools>();
        }

        if (!toolDiscovery && !skills && !searchAndExecuteOnly)
        {
            return server;
        }

        server.WithTools<McpToolDiscoveryTools>();
        if (searchAndExecuteOnly)
        {
            // After the SDK has gathered the registered tools into the collection: keep only the three of the mode.
            services.PostConfigure<McpServerOptions>(options =>
            {
                foreach (var tool in options.ToolCollection?.ToList() ?? [])
                {
                    if (tool.ProtocolTool.Name is not (SearchAndExecuteTools.Execute or SearchAndExecuteTools.Search or SearchAndExecuteTools.Describe or SearchAndExecuteTools.SaveSkill))
                    {
                        options.ToolCollection!.Remove(tool);
                    }
                }
            });
        }

        return server;
    }

    /// <summary>The names of the tools served in the search-and-execute mode.</summary>
    private static class SearchAndExecuteTools
    {
        public const string Execute = "execute_ipython_cell";
        public const string Search = "search_tools";
        public const string Describe = "describe_tool";
        public const string SaveSkill = "save_skill";
    }

    /// <summary>Logs image build or pull progress (the first launch may build the image).</summary>
    private sealed class ImageProgressLog(ILogger logger) : IProgress<ImageProgress>
    {
        public void Report(ImageProgress value) => McpLog.ImageProgress(logger, value.PlainMessage);
    }
}
