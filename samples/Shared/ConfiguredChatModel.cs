using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;

/// <summary>The OpenAI or OpenAI-compatible chat model the environment names, if it names one.</summary>
/// <param name="Client">The model's chat client, before any middleware.</param>
/// <param name="Name">The model's name, to show the user.</param>
internal sealed record ConfiguredChatModel(IChatClient Client, string Name)
{
    /// <summary>How to name a model, one line per kind of server.</summary>
    public const string Help = """
          OpenAI:                   OPENAI_API_KEY=sk-...          [OPENAI_MODEL=gpt-4o-mini]
          OpenAI-compatible server: OPENAI_BASE_URL=http://localhost:11434/v1 OPENAI_MODEL=llama3.1   (e.g. Ollama; OPENAI_API_KEY if it needs one)
        """;

    /// <summary>The model configured by OPENAI_API_KEY, OPENAI_BASE_URL and OPENAI_MODEL, or <see langword="null"/> when neither of the first two is set.</summary>
    public static ConfiguredChatModel? FromEnvironment()
    {
        var apiKey = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        var baseUrl = Environment.GetEnvironmentVariable("OPENAI_BASE_URL");
        if (string.IsNullOrEmpty(apiKey) && string.IsNullOrEmpty(baseUrl))
        {
            return null;
        }

        var model = Environment.GetEnvironmentVariable("OPENAI_MODEL") ?? "gpt-4o-mini";
        var openAI = new OpenAIClient(
            new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "unused" : apiKey),
            new OpenAIClientOptions { Endpoint = string.IsNullOrEmpty(baseUrl) ? null : new Uri(baseUrl) });
        return new ConfiguredChatModel(openAI.GetChatClient(model).AsIChatClient(), model);
    }
}
