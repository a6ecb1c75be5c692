using IpyBox.AI.TestMcpServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// The MCP server of the tests.
//   (no arguments)          stdio
//   --http                  streamable HTTP at http://127.0.0.1:<random port>/mcp (legacy SSE at .../mcp/sse);
//                           the first line on stdout is "listening <url>"; the server stops when stdin closes
//   --hostile               tools whose names, descriptions, parameters, enum values and defaults try to inject code
//   --require-header N=V    (HTTP) answer 401 to requests without that header
//   --generated D:N         N generated tools of the domain D (GeneratedToolCatalog) instead of the test tools
var http = args.Contains("--http");
var hostile = args.Contains("--hostile");
var requiredHeader = args.SkipWhile(a => a != "--require-header").Skip(1).FirstOrDefault()?.Split('=', 2);
var generated = args.SkipWhile(a => a != "--generated").Skip(1).FirstOrDefault()?.Split(':', 2);

if (!http)
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
    builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    var server = builder.Services.AddMcpServer(ServerInfo);
    (generated is [var domain, var count] ? GeneratedMcpTools.Add(server, domain, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture)) : TestTools.Add(server, hostile))
        .WithStdioServerTransport();
    await builder.Build().RunAsync();
    return;
}

var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
web.Logging.ClearProviders();
web.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
web.Logging.SetMinimumLevel(LogLevel.Warning);
web.WebHost.UseUrls("http://127.0.0.1:0");
#pragma warning disable MCP9004 // Legacy SSE is served so that clients of SSE-only servers can be tested; only the tests connect.
TestTools.Add(web.Services.AddMcpServer(ServerInfo), hostile).WithHttpTransport(o =>
{
    o.Stateless = false;
    o.EnableLegacySse = true;
});
#pragma warning restore MCP9004
var app = web.Build();
if (requiredHeader is [var name, var value])
{
    app.Use(async (context, next) =>
    {
        if (context.Request.Headers[name] != value)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        await next(context);
    });
}

app.MapMcp("/mcp");
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
Console.WriteLine($"listening {address}/mcp");
await Console.Out.FlushAsync();

// The test that started the server stops it by closing stdin (or by killing the process).
await Console.In.ReadToEndAsync();
await app.StopAsync();

static void ServerInfo(ModelContextProtocol.Server.McpServerOptions options) =>
    options.ServerInfo = new() { Name = "ipybox-test-server", Version = "1.0.0" };
