using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/aspire.md.</summary>
internal static class AspirePage
{
    public static void AppHost(string[] args)
    {
        // <apphost>
        var builder = DistributedApplication.CreateBuilder(args);

        var ipybox = builder.AddIpyBoxJupyterServer("ipybox");   // the runtime image's Jupyter Server, a generated token

        builder.AddProject("agent", "../Agent/Agent.csproj")
            .WithReference(ipybox)                                // ConnectionStrings__ipybox=Endpoint=...;Token=...
            .WaitFor(ipybox);

        builder.Build().Run();
        // </apphost>
    }

    public static async Task ServiceAsync(string[] args)
    {
        // <service>
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddIpyBox("ipybox");                     // sandboxes are kernels on the AppHost's server

        using var host = builder.Build();
        await host.StartAsync();
        var tools = host.Services.GetRequiredService<SandboxTools>();
        var result = await tools.ExecuteAsync("conversation-1", "print(6 * 7)");
        // </service>
    }
}
