// <usings>
using System.ClientModel;
using IpyBox.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using OpenAI;
// </usings>

namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/semantic-kernel.md, in the order of the page.</summary>
internal static class SemanticKernelPage
{
    public static async Task ChatAppAsync()
    {
        // <chat-app>
        var openAI = new OpenAIClient(new ApiKeyCredential(Environment.GetEnvironmentVariable("OPENAI_API_KEY")!));

        // The chat completion service is a chat client with function invocation and image forwarding.
        var chatClient = new ChatClientBuilder(openAI.GetChatClient("gpt-4o-mini").AsIChatClient())
            .UseFunctionInvocation()
            .UseIpyBoxImageForwarding()
            .Build();

        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton(chatClient.AsChatCompletionService());
        builder.AddIpyBoxPlugin(options =>             // registers AddIpyBox(...) and the "python" plugin
        {
            options.Container.MemoryLimitBytes = 2L << 30;
            options.MaxSessions = 4;
        });
        var kernel = builder.Build();
        await using var sessions = kernel.GetRequiredService<SandboxSessionManager>(); // removes the sandboxes on exit

        // One kernel clone per chat thread; the conversation key travels in its data.
        var thread = kernel.Clone();
        thread.Data[IpyBoxConversation.PropertyName] = "thread-42";

        var history = new ChatHistory("Use the python tools for calculations and plots.");
        history.AddUserMessage("Plot a sine wave and tell me where it peaks.");
        var reply = await thread.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(
            history,
            new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() },
            thread);
        Console.WriteLine(reply.Content);
        // </chat-app>

        // <invoke>
        var result = await thread.InvokeAsync("python", "execute_python", new() { ["code"] = "import matplotlib.pyplot as plt; plt.plot([1, 2]); plt.show()" });
        foreach (var image in result.GetImageContents())
        {
            Console.WriteLine($"{image.MimeType}, {image.Data?.Length} bytes");
        }

        history.Add(result.ToChatMessageContent());   // the plot as a user message the model can look at
        // </invoke>
    }

    public static void Approval()
    {
        // <approval>
        var builder = Kernel.CreateBuilder();
        builder.AddIpyBoxPlugin(options => options.RequireApproval = true);
        builder.AddIpyBoxApproval(async context =>
        {
            var what = context.Arguments.TryGetValue("code", out var value) || context.Arguments.TryGetValue("packages", out value) ? value : null;
            Console.WriteLine($"Run {context.Function.Name}?\n{what}");
            return Console.ReadLine() is "y";
        });
        // </approval>
    }
}
