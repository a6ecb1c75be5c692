using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

/// <summary>
/// Plays the model when none is configured: whatever the user writes, each message is answered with the next step of a
/// short analysis, made of real <c>execute_python</c> calls through the page's pipeline (approval, streaming output, plots,
/// the host tool), followed by a streamed answer. After the last step it says how to connect a real model.
/// </summary>
internal sealed class DemoChatClient : IChatClient
{
    private const string ExecuteTool = "execute_python";

    private static readonly DemoStep[] s_steps =
    [
        new(
            "I generated a year of daily sales for three regions and plotted the monthly totals: the regions peak at different "
            + "times of the year. Ask me anything next and I will convert the totals to euros with the shop's exchange rate "
            + "tool and save a report you can download.",
            """
            import time
            import numpy as np
            import pandas as pd

            print("Generating a year of daily sales for three regions...", flush=True)
            time.sleep(1.5)
            rng = np.random.default_rng(7)
            days = pd.date_range("2026-01-01", periods=365, freq="D")
            sales = pd.DataFrame(
                {region: (100 + 25 * np.sin(np.arange(365) / 58 + shift) + rng.normal(0, 8, 365)).round(1)
                 for shift, region in enumerate(["north", "south", "west"])},
                index=days)
            for region in sales.columns:
                print(f"{region}: mean {sales[region].mean():.1f} units a day, best day {sales[region].idxmax():%b %d}", flush=True)
                time.sleep(1.0)
            monthly = sales.resample("MS").sum()
            print("Monthly totals ready.")
            """,
            """
            import matplotlib.pyplot as plt

            ax = monthly.plot(figsize=(7, 3.5), marker="o", title="Monthly sales by region")
            ax.set_ylabel("units")
            plt.tight_layout()
            plt.show()
            """),
        new(
            "The monthly totals in euros are saved as outputs/monthly_sales_eur.csv: download it from the files panel, or "
            + "export the whole conversation as a notebook.",
            """
            import os
            from mcptools.shop import exchange_rate

            rate = exchange_rate(currency="EUR")
            os.makedirs("outputs", exist_ok=True)
            (monthly * rate).round(2).to_csv("outputs/monthly_sales_eur.csv")
            print(f"1 USD = {rate} EUR; saved outputs/monthly_sales_eur.csv")
            """),
    ];

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        // What the user typed: user messages with text and no images (image forwarding adds user messages with the plots).
        var typed = history.FindAll(m => m.Role == ChatRole.User && m.Contents.OfType<TextContent>().Any() && !m.Contents.OfType<DataContent>().Any());
        var sinceLast = history.Skip(history.LastIndexOf(typed[^1]) + 1).SelectMany(m => m.Contents).ToList();
        var results = sinceLast.OfType<FunctionResultContent>().ToList();
        var step = typed.Count <= s_steps.Length ? s_steps[typed.Count - 1] : null;

        if (step is not null && results.Count < step.Cells.Length && !Declined(results))
        {
            var call = new FunctionCallContent($"call_{Guid.NewGuid():N}", ExecuteTool, new Dictionary<string, object?> { ["code"] = step.Cells[results.Count] });
            yield return new ChatResponseUpdate(ChatRole.Assistant, [call]) { MessageId = Guid.NewGuid().ToString("N") };
            yield break;
        }

        var answer = step is null
            ? "That was the whole demo. To chat with a real model, restart the app with OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL "
              + "(an OpenAI-compatible server such as Ollama) and OPENAI_MODEL set."
            : Declined(results) ? "You declined, so I stopped here. Send another message to try again." : step.Answer;
        var messageId = Guid.NewGuid().ToString("N");
        foreach (var word in ("(demo model) " + answer).Split(' '))
        {
            // Word by word, as a model streams, so the page shows the answer growing.
            await Task.Delay(25, cancellationToken);
            yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ") { MessageId = messageId };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private static bool Declined(List<FunctionResultContent> results) =>
        results.Count > 0 && results[^1].Result?.ToString() is { } text && text.Contains("declined", StringComparison.OrdinalIgnoreCase);

    /// <summary>One step of the demo: the cells it runs, one tool call each, and the answer after the last.</summary>
    private sealed record DemoStep(string Answer, params string[] Cells);
}
