// <usings>
using System.ClientModel;
using IpyBox.AI;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
// </usings>

namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/agent-framework.md, in the order of the page.</summary>
internal static class AgentFrameworkPage
{
    public static async Task RunAsync()
    {
        // <context-provider>
        var services = new ServiceCollection();
        services.AddIpyBox(options => options.RequireApproval = true)
                .AddAgentFrameworkSessions();                    // registers IpyBoxContextProvider
        await using var provider = services.BuildServiceProvider();

        // One pipeline per agent: the agent writes its tools into the function-invocation layer.
        var openAI = new OpenAIClient(new ApiKeyCredential(Environment.GetEnvironmentVariable("OPENAI_API_KEY")!));
        var chatClient = new ChatClientBuilder(openAI.GetChatClient("gpt-4o-mini").AsIChatClient())
            .UseFunctionInvocation()
            .UseIpyBoxImageForwarding()                           // for Chat Completions, see below
            .Build(provider);

        var sandboxes = provider.GetRequiredService<IpyBoxContextProvider>();
        var agent = new ChatClientAgent(chatClient, new ChatClientAgentOptions
        {
            Name = "analyst",
            AIContextProviders = [sandboxes],
        });

        var session = await agent.CreateSessionAsync();
        var response = await agent.RunAsync("Plot a sine wave and tell me where it peaks.", session);
        // </context-provider>

        // <approval>
        // Each requested cell is shown to the user, who answers y or n; a rejected cell does not run.
        while (response.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>().ToList() is { Count: > 0 } requests)
        {
            List<AIContent> answers = [];
            foreach (var request in requests)
            {
                var call = (FunctionCallContent)request.ToolCall;
                var what = call.Arguments is { } arguments && (arguments.TryGetValue("code", out var value) || arguments.TryGetValue("packages", out value)) ? value : null;
                Console.WriteLine($"Run {call.Name}?\n{what}\n[y/N]");
                answers.Add(request.CreateResponse(approved: Console.ReadLine() is "y"));
            }

            response = await agent.RunAsync(new ChatMessage(ChatRole.User, answers), session);
        }

        Console.WriteLine(response.Text);
        // </approval>
    }

    public static void FileStore(ServiceProvider provider, IChatClient chatClient)
    {
        // <file-store>
        #pragma warning disable MAAI001
        var sessions = provider.GetRequiredService<SandboxSessionManager>();
        var store = new IpyBoxAgentFileStore(sessions);                 // bound per run to the agent session's sandbox
        var agent = new ChatClientAgent(chatClient, new ChatClientAgentOptions
        {
            Name = "analyst",
            AIContextProviders = [provider.GetRequiredService<IpyBoxContextProvider>(), new FileMemoryProvider(store), new FileAccessProvider(store)],
        });
        // </file-store>
        _ = agent;
    }
}
