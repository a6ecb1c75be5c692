// An Agent Framework agent with a Python sandbox per agent session, code execution under the user's approval,
// and plots shown to the model. With OPENAI_API_KEY or OPENAI_BASE_URL set it chats with that model on the console;
// without, a script plays the model's part (and approves its calls) through the same agent.
using IpyBox.AI;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var model = SampleChatModel.FromEnvironment("ChatAgentFramework", new ScriptedChatClient(
    new ScriptedTurn("Simulate 10,000 rolls of two dice and plot how often each sum comes up.", "Seven is the most common sum.",
        ("execute_python", new()
        {
            ["code"] = """
                import numpy as np, matplotlib.pyplot as plt
                sums = np.random.default_rng(7).integers(1, 7, (10_000, 2)).sum(axis=1)
                counts = np.bincount(sums)[2:]
                plt.bar(range(2, 13), counts); plt.show()
                print('most common:', 2 + counts.argmax())
                """,
        }))));

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

// One pipeline for this agent (the agent writes its tools into the function-invocation layer). Image forwarding sits
// below function invocation and moves plots into a user message, because Chat Completions takes images only there.
// UseOpenTelemetry emits the MEAI chat and tool spans; add an OpenTelemetry exporter to see them.
var chatClient = new ChatClientBuilder(model.Client)
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

Console.WriteLine($"Chatting with {model.Name} through Agent Framework. Ask for calculations or plots; an empty line ends the chat.");
string? last = null;
foreach (var line in model.UserMessages)
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
            var approved = model.IsScripted ? Approve() : Console.ReadLine()?.Trim() is "y" or "Y";
            answers.Add(request.CreateResponse(approved));
        }

        response = await agent.RunAsync(new ChatMessage(ChatRole.User, answers), session);
    }

    Console.WriteLine(response.Text);
    last = response.Text;
}

// The application deletes the session: its sandbox ends with it.
await sandboxes.EndSessionAsync(session);

// The approved cell ran in the session's sandbox and its plot reached the model.
if (model.IsScripted && (last?.Contains("most common: 7", StringComparison.Ordinal) != true || !last.Contains("image", StringComparison.Ordinal)))
{
    throw new InvalidOperationException("the scripted chat did not run the approved cell or did not see its plot");
}

return 0;

static bool Approve()
{
    Console.WriteLine("y (the script approves)");
    return true;
}
