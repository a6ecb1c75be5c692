using IpyBox.AI;
using Microsoft.Extensions.AI;

/// <summary>Composes the web chat: the sandboxes and their tools, the chat pipeline, the conversations and the endpoints.</summary>
internal static class WebChatApp
{
    private const string SystemPrompt = """
        You are a data analyst with a Python sandbox. Run code with execute_python: its state persists across calls,
        numpy, pandas and matplotlib are installed, and plt.show() shows a plot to the user. Files the user uploads are in
        /app/inputs; write files for the user to /app/outputs. Host tools are Python packages under mcptools
        (list_sandbox_tools shows them); each call waits for the user's approval.
        """;

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var settings = builder.Configuration.GetSection("WebChat").Get<WebChatSettings>() ?? new WebChatSettings();
        var conversations = new ConversationStore();
        var model = ConfiguredChatModel.FromEnvironment();

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(conversations);
        builder.Services.AddSingleton(new ChatModelInfo(model?.Name ?? "demo model (no model configured)", model is null));
        var ipybox = builder.Services.AddIpyBox(options =>
            {
                options.RequireApproval = settings.RequireApproval;
                options.SessionIdleTimeout = TimeSpan.FromMinutes(30);
                options.HostToolSets.Add(ShopTools.Create());
                options.Durability = settings.Durable ? new DurableSessionOptions() : null;
            })
            .ConfigureToolBridge(bridge => bridge.ApprovalHandler = new HostToolPrompts(conversations).ApproveAsync);
        if (settings.WarmPool > 0 && !settings.Durable)
        {
            ipybox.UseWarmPool(pool => pool.MinWarm = settings.WarmPool);
        }

        builder.Services.AddSingleton(services => new ChatClientBuilder(model?.Client ?? new DemoChatClient())
            // The page shows each tool call as it starts, then its output as the cell runs (CellOutputEvents).
            .UseFunctionInvocation(configure: invoker => invoker.FunctionInvoker = (context, cancellationToken) =>
            {
                if (IpyBoxConversation.Current is { } key && conversations.ByKey(key) is { } conversation)
                {
                    conversation.Events.Append("call-start", new { id = context.CallContent.CallId, name = context.Function.Name, code = ToolCallText.Of(context.CallContent) });
                }

                return context.Function.InvokeAsync(context.Arguments, cancellationToken);
            })
            .UseIpyBoxImageForwarding()
            .Build(services));
        builder.Services.AddSingleton(services => new ChatOptions
        {
            Instructions = SystemPrompt,
            // The page moves files; the model gets no access to the host's file system.
            Tools = [.. services.GetRequiredService<IpyBoxPlugin>().AsAIFunctions().Where(f => f.Name is not ("upload_file" or "download_file"))],
        });
        builder.Services.AddSingleton<ChatTurns>();

        var app = builder.Build();
        app.MapPage();
        app.MapChat();
        app.MapFiles();
        return app;
    }
}
