// An Agent Framework agent with a Python sandbox per agent session, code execution under the user's approval,
// and plots shown to the model. Configure with environment variables (see PrintHowToConfigure); without them it
// explains and exits.
using System.ClientModel;
using IpyBox.AI;
using Microsoft.Agents.AI;
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

var services = new ServiceCollection();
services.AddLogging(logging => logging.AddConsole().SetMinimumLevel(LogLevel.Warning));
services.AddIpyBox(options =>
{
    options.RequireApproval = true;                        // the user approves each cell before it runs
    options.Container.MemoryLimitBytes = 2L * 1024 * 1024 * 1024;
    options.SessionIdleTimeout = TimeSpan.FromMinutes(30);
})
.AddAgentFrameworkSessions();                              // a sandbox per AgentSession
await using var provider = services.BuildServiceProvider();

var openAI = new OpenAIClient(
    new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "unused" : apiKey),
    new OpenAIClientOptions { Endpoint = string.IsNullOrEmpty(baseUrl) ? null : new Uri(baseUrl) });

// One pipeline for this agent (the agent writes its tools into the function-invocation layer). Image forwarding sits
// below function invocation and moves plots into a user message, because Chat Completions takes images only there.
// UseOpenTelemetry emits the MEAI chat and tool spans; add an OpenTelemetry exporter to see them.
var chatClient = new ChatClientBuilder(openAI.GetChatClient(model).AsIChatClient())
    .UseFunctionInvocation()
    .UseIpyBoxImageForwarding()
    .UseOpenTelemetry(sourceName: "ChatAgentFramework")
    .Build(provider);

var sandboxes = provider.GetRequiredService<IpyBoxContextProvider>();
var agent = new ChatClientAgent(chatClient, new ChatClientAgentOptions
{
    Name = "analyst",
    ChatOptions = new ChatOptions { Instructions = "You are a careful data analyst. Compute with Python rather than guessing." },
    AIContextProviders = [sandboxes],
});
var session = await agent.CreateSessionAsync();

Console.WriteLine($"Chatting with {model} through Agent Framework. Ask for calculations or plots; an empty line ends the chat.");
while (Console.ReadLine() is { Length: > 0 } line)
{
    var response = await agent.RunAsync(line, session);

    // Each code execution waits for the user's answer; a rejected one does not run.
    while (response.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>().ToList() is { Count: > 0 } requests)
    {
        List<AIContent> answers = [];
        foreach (var request in requests)
        {
            var call = (FunctionCallContent)request.ToolCall;
            var what = call.Arguments is { } arguments && (arguments.TryGetValue("code", out var value) || arguments.TryGetValue("packages", out value)) ? value : null;
            Console.WriteLine($"The agent wants to run {call.Name}:\n{what}\nRun it? [y/N]");
            answers.Add(request.CreateResponse(approved: Console.ReadLine()?.Trim() is "y" or "Y"));
        }

        response = await agent.RunAsync(new ChatMessage(ChatRole.User, answers), session);
    }

    Console.WriteLine(response.Text);
}

// The application deletes the session: its sandbox ends with it.
await sandboxes.EndSessionAsync(session);
return 0;

static void PrintHowToConfigure() => Console.WriteLine("""
    This sample needs a chat model. Set one of:
      OpenAI:                   OPENAI_API_KEY=sk-...          [OPENAI_MODEL=gpt-4o-mini]
      OpenAI-compatible server: OPENAI_BASE_URL=http://localhost:11434/v1 OPENAI_MODEL=llama3.1   (e.g. Ollama; OPENAI_API_KEY if it needs one)
    then run: dotnet run --project samples/ChatAgentFramework
    """);
