using Microsoft.Extensions.AI;

/// <summary>
/// The chat model of a sample: an OpenAI or OpenAI-compatible model when the environment names one, otherwise the
/// sample's script, which plays the model's part so that the sample runs without a key.
/// </summary>
internal sealed class SampleChatModel
{
    private SampleChatModel(IChatClient client, string name, IEnumerable<string> userMessages)
    {
        Client = client;
        Name = name;
        UserMessages = userMessages;
    }

    /// <summary>Gets the chat client of the model, before any middleware.</summary>
    public IChatClient Client { get; }

    /// <summary>Gets a name for the model to show the user.</summary>
    public string Name { get; }

    /// <summary>Gets what the user says: lines of the console for a real model (until an empty line), the script's lines otherwise.</summary>
    public IEnumerable<string> UserMessages { get; }

    /// <summary>Gets whether the script plays the model (and the user): no model is configured.</summary>
    public bool IsScripted => Client is ScriptedChatClient;

    /// <summary>The model configured by OPENAI_API_KEY, OPENAI_BASE_URL and OPENAI_MODEL, or the script when neither of the first two is set.</summary>
    public static SampleChatModel FromEnvironment(string project, ScriptedChatClient script)
    {
        if (ConfiguredChatModel.FromEnvironment() is not { } configured)
        {
            Console.WriteLine($"""
                No chat model is configured, so a script plays the model's part (and the user's). For a real model, set one of:
                {ConfiguredChatModel.Help}
                then run: dotnet run --project samples/{project}

                """);
            return new SampleChatModel(script, "a scripted model", Echoed(script.UserMessages));
        }

        return new SampleChatModel(configured.Client, configured.Name, ConsoleLines());
    }

    private static IEnumerable<string> ConsoleLines()
    {
        while (Console.ReadLine() is { Length: > 0 } line)
        {
            yield return line;
        }
    }

    private static IEnumerable<string> Echoed(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            Console.WriteLine($"> {line}");
            yield return line;
        }
    }
}
