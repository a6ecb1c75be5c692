// <usings>
using System.ClientModel;
using IpyBox.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
// </usings>

namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/microsoft-extensions-ai.md.</summary>
internal static class MicrosoftExtensionsAIPage
{
    public static async Task ChatAppAsync()
    {
        // <chat-app>
        var services = new ServiceCollection();
        services.AddIpyBox(options =>
        {
            options.AllowedHostDirectories.Add("/srv/exchange");   // nothing else on the host is reachable
            options.Container.MemoryLimitBytes = 2L << 30;
            options.SessionIdleTimeout = TimeSpan.FromMinutes(30);
        });
        await using var provider = services.BuildServiceProvider(); // disposing removes every sandbox

        var openAI = new OpenAIClient(new ApiKeyCredential(Environment.GetEnvironmentVariable("OPENAI_API_KEY")!));
        var chat = new ChatClientBuilder(openAI.GetChatClient("gpt-4o-mini").AsIChatClient())
            .UseFunctionInvocation()        // runs the tools
            .UseIpyBoxImageForwarding()     // below it: plots reach Chat Completions as images
            .Build(provider);

        var options = new ChatOptions { Tools = [.. provider.GetRequiredService<IpyBoxPlugin>().AsAIFunctions()] };
        List<ChatMessage> history = [new(ChatRole.User, "Plot a sine wave and tell me where it peaks.")];

        using (IpyBoxConversation.Begin("thread-42"))  // which sandbox this conversation uses
        {
            var response = await chat.GetResponseAsync(history, options);
            history.AddMessages(response);
            Console.WriteLine(response.Text);
        }
        // </chat-app>
    }
}
