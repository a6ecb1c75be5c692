// A chat app on any IChatClient: the model runs Python in a sandbox of its own for this conversation.
// With OPENAI_API_KEY or OPENAI_BASE_URL set it chats with that model on the console; without, a script plays the
// model's part and makes real tool calls through the same pipeline.
using IpyBox.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Files the model downloads from the sandbox land in this folder; it may upload from it too. Nothing else on the host is reachable.
var exchange = Directory.CreateTempSubdirectory("ipybox-chat-files-").FullName;
Console.WriteLine($"Files exchanged with the sandbox: {exchange}");

var model = SampleChatModel.FromEnvironment("ChatClient", new ScriptedChatClient(
    new ScriptedTurn("What is the 30th Fibonacci number?", "The 30th Fibonacci number is computed.",
        ("execute_python", new() { ["code"] = "a, b = 0, 1\nfor _ in range(30):\n    a, b = b, a + b\nprint(a)" })),
    new ScriptedTurn("Plot it against n and save the numbers as a CSV file for me.", "Here is the plot; the CSV is saved.",
        ("execute_python", new()
        {
            ["code"] = """
                import matplotlib.pyplot as plt
                fib = [0, 1]
                while len(fib) < 31: fib.append(fib[-1] + fib[-2])
                open('fibonacci.csv', 'w').write('n,value\n' + ''.join(f'{n},{v}\n' for n, v in enumerate(fib)))
                plt.semilogy(fib[1:]); plt.title('Fibonacci'); plt.show()
                """,
        }),
        ("download_file", new() { ["sandboxPath"] = "fibonacci.csv", ["hostPath"] = Path.Combine(exchange, "fibonacci.csv") }))));

var services = new ServiceCollection();
services.AddLogging(logging => logging.AddConsole().SetMinimumLevel(LogLevel.Warning));
services.AddIpyBox(options =>
{
    options.AllowedHostDirectories.Add(exchange);
    options.Container.MemoryLimitBytes = 2L * 1024 * 1024 * 1024;
    options.SessionIdleTimeout = TimeSpan.FromMinutes(30);
});
await using var provider = services.BuildServiceProvider();

// Function invocation runs the tools; image forwarding sits below it and moves plots out of tool results
// into a user message, because Chat Completions accepts images only there.
var chat = new ChatClientBuilder(model.Client)
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
Console.WriteLine($"Chatting with {model.Name}. Ask for calculations or plots; an empty line ends the chat.");
foreach (var line in model.UserMessages)
{
    history.Add(new ChatMessage(ChatRole.User, line));
    using (IpyBoxConversation.Begin(conversation))
    {
        var response = await chat.GetResponseAsync(history, options);
        history.AddMessages(response);
        Console.WriteLine(response.Text);
    }
}

if (model.IsScripted && !File.Exists(Path.Combine(exchange, "fibonacci.csv")))
{
    throw new InvalidOperationException("the scripted chat did not download fibonacci.csv");
}

return 0;
