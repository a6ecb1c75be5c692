// A Semantic Kernel chat app whose model runs Python in a sandbox of its own for this conversation.
// Configure with environment variables (see PrintHowToConfigure); without them it explains and exits.
using System.ClientModel;
using IpyBox.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using OpenAI;

var apiKey = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
var baseUrl = Environment.GetEnvironmentVariable("OPENAI_BASE_URL");
var model = Environment.GetEnvironmentVariable("OPENAI_MODEL") ?? "gpt-4o-mini";
if (string.IsNullOrEmpty(apiKey) && string.IsNullOrEmpty(baseUrl))
{
    PrintHowToConfigure();
    return 0;
}

var openAI = new OpenAIClient(
    new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "unused" : apiKey),
    new OpenAIClientOptions { Endpoint = string.IsNullOrEmpty(baseUrl) ? null : new Uri(baseUrl) });

// The chat completion service is a chat client: its function invocation runs the kernel's functions, and the
// image forwarding below it hands plots to the model as images (SK's own OpenAI connector cannot).
var chatClient = new ChatClientBuilder(openAI.GetChatClient(model).AsIChatClient())
    .UseFunctionInvocation()
    .UseIpyBoxImageForwarding()
    .Build();

var builder = Kernel.CreateBuilder();
builder.Services.AddLogging(logging => logging.AddConsole().SetMinimumLevel(LogLevel.Warning));
builder.Services.AddSingleton(chatClient.AsChatCompletionService());
builder.AddIpyBoxPlugin(options =>
{
    options.Container.MemoryLimitBytes = 2L * 1024 * 1024 * 1024;
    options.MaxSessions = 4;
});
var kernel = builder.Build();
await using var sessions = kernel.GetRequiredService<SandboxSessionManager>(); // removes the sandbox on exit

// The conversation key travels with the kernel; use one kernel clone per chat thread.
var thread = kernel.Clone();
thread.Data[IpyBoxConversation.PropertyName] = Guid.NewGuid().ToString("N");

var chat = thread.GetRequiredService<IChatCompletionService>();
var settings = new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
var history = new ChatHistory("You can run Python with the python_execute_python tool; use it for calculations and plots.");

Console.WriteLine($"Chatting with {model} through Semantic Kernel. An empty line ends the chat.");
while (Console.ReadLine() is { Length: > 0 } line)
{
    history.AddUserMessage(line);
    var reply = await chat.GetChatMessageContentAsync(history, settings, thread);
    history.Add(reply);
    Console.WriteLine(reply.Content);
}

return 0;

static void PrintHowToConfigure() => Console.WriteLine("""
    This sample needs a chat model. Set one of:
      OpenAI:                   OPENAI_API_KEY=sk-...          [OPENAI_MODEL=gpt-4o-mini]
      OpenAI-compatible server: OPENAI_BASE_URL=http://localhost:11434/v1 OPENAI_MODEL=llama3.1   (e.g. Ollama; OPENAI_API_KEY if it needs one)
    then run: dotnet run --project samples/ChatSemanticKernel
    """);
