// A chat app on any IChatClient: the model runs Python in a sandbox of its own for this conversation.
// Configure with environment variables (see PrintHowToConfigure); without them it explains and exits.
using System.ClientModel;
using IpyBox.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI;

var apiKey = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
var baseUrl = Environment.GetEnvironmentVariable("OPENAI_BASE_URL");
var model = Environment.GetEnvironmentVariable("OPENAI_MODEL") ?? "gpt-4o-mini";
if (string.IsNullOrEmpty(apiKey) && string.IsNullOrEmpty(baseUrl))
{
    PrintHowToConfigure();
    return 0;
}

// Files the model downloads from the sandbox land here; it may upload from here too. Nothing else on the host is reachable.
var exchange = Directory.CreateDirectory(Path.Combine(Environment.CurrentDirectory, "sandbox-files")).FullName;

var services = new ServiceCollection();
services.AddLogging(logging => logging.AddConsole().SetMinimumLevel(LogLevel.Warning));
services.AddIpyBox(options =>
{
    options.AllowedHostDirectories.Add(exchange);
    options.Container.MemoryLimitBytes = 2L * 1024 * 1024 * 1024;
    options.SessionIdleTimeout = TimeSpan.FromMinutes(30);
});
await using var provider = services.BuildServiceProvider();

var openAI = new OpenAIClient(
    new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "unused" : apiKey),
    new OpenAIClientOptions { Endpoint = string.IsNullOrEmpty(baseUrl) ? null : new Uri(baseUrl) });

// Function invocation runs the tools; image forwarding sits below it and moves plots out of tool results
// into a user message, because Chat Completions accepts images only there.
var chat = new ChatClientBuilder(openAI.GetChatClient(model).AsIChatClient())
    .UseFunctionInvocation()
    .UseIpyBoxImageForwarding()
    .Build(provider);

var options = new ChatOptions { Tools = [.. provider.GetRequiredService<IpyBoxPlugin>().AsAIFunctions()] };
List<ChatMessage> history =
[
    new(ChatRole.System, $"You can run Python with the execute_python tool. Files exchanged with the user live in {exchange}."),
];

// One conversation, one sandbox: the key flows into every function-calling round.
var conversation = Guid.NewGuid().ToString("N");
Console.WriteLine($"Chatting with {model}. Ask for calculations or plots; an empty line ends the chat.");
while (Console.ReadLine() is { Length: > 0 } line)
{
    history.Add(new ChatMessage(ChatRole.User, line));
    using (IpyBoxConversation.Begin(conversation))
    {
        var response = await chat.GetResponseAsync(history, options);
        history.AddMessages(response);
        Console.WriteLine(response.Text);
    }
}

return 0;

static void PrintHowToConfigure() => Console.WriteLine("""
    This sample needs a chat model. Set one of:
      OpenAI:                   OPENAI_API_KEY=sk-...          [OPENAI_MODEL=gpt-4o-mini]
      OpenAI-compatible server: OPENAI_BASE_URL=http://localhost:11434/v1 OPENAI_MODEL=llama3.1   (e.g. Ollama; OPENAI_API_KEY if it needs one)
    then run: dotnet run --project samples/ChatClient
    """);
