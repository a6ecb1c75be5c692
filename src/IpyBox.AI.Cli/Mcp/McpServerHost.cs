using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI.Cli.Mcp;

/// <summary>Builds the stdio MCP server: stdout carries only the protocol, logs go to stderr.</summary>
internal static class McpServerHost
{
    public static IHost Build(McpServerSettings settings, LogLevel logLevel)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<Sandbox>();
        builder.Services.AddHostedService(services => services.GetRequiredService<Sandbox>());
        builder.Services
            .AddMcpServer(o => o.ServerInfo = new() { Name = "ipybox", Version = typeof(McpServerHost).Assembly.GetName().Version?.ToString(3) ?? "0.0.0" })
            .WithStdioServerTransport()
            .WithTools<SandboxTools>()
            .WithTools<FileTools>();
        return builder.Build();
    }
}
