// A Semantic Kernel chat app whose model runs Python in a sandbox of its own for this conversation.
// With OPENAI_API_KEY or OPENAI_BASE_URL set it chats with that model on the console; without, a script plays the
// model's part and makes real tool calls through the kernel's functions.
using IpyBox.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

var model = SampleChatModel.FromEnvironment("ChatSemanticKernel", new ScriptedChatClient(
    new ScriptedTurn("Which of 2**61 - 1 and 2**67 - 1 are prime?", "Checked with sympy.",
        ("execute_python", new() { ["code"] = "from sympy import isprime\nprint({p: isprime(2**p - 1) for p in (61, 67)})" })),
    new ScriptedTurn("Remember the first one as m and tell me how many digits it has.", "The kernel kept m.",
        ("execute_python", new() { ["code"] = "m = 2**61 - 1\nlen(str(m))" }))));

// The chat completion service is a chat client: its function invocation runs the kernel's functions, and the
// image forwarding below it hands plots to the model as images (SK's own OpenAI connector cannot).
var chatClient = new ChatClientBuilder(model.Client)
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

Console.WriteLine($"Chatting with {model.Name} through Semantic Kernel. An empty line ends the chat.");
string? last = null;
foreach (var line in model.UserMessages)
{
    history.AddUserMessage(line);
    var reply = await chat.GetChatMessageContentAsync(history, settings, thread);
    history.Add(reply);
    Console.WriteLine(reply.Content);
    last = reply.Content;
}

// The second cell used the variable of the first turn's sandbox: 2**61 - 1 has 19 digits.
if (model.IsScripted && last?.Contains("19", StringComparison.Ordinal) != true)
{
    throw new InvalidOperationException("the scripted chat did not reuse the sandbox's state");
}

return 0;
