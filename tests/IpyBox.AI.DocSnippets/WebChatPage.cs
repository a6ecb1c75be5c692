using System.Threading.Channels;
using Microsoft.Extensions.AI;

namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/web-chat.md.</summary>
internal static class WebChatPage
{
    public static async Task ObserveAsync(IChatClient chat, List<ChatMessage> history, ChatOptions options, Channel<string> page)
    {
        // <observe>
        using (IpyBoxConversation.Begin("browser-session-7"))                 // which sandbox
        using (IpyBoxConversation.ObserveOutput(new PageOutput(page)))         // where its cells' output goes, as it comes
        {
            await foreach (var update in chat.GetStreamingResponseAsync(history, options))
            {
                await page.Writer.WriteAsync(update.Text);                     // the model's own words
            }
        }
        // </observe>
    }

    // <page-output>
    /// <summary>Hands each line a cell prints to the page; called on the thread that reads the kernel, so it only queues.</summary>
    internal sealed class PageOutput(Channel<string> page) : IProgress<ExecutionEvent>
    {
        public void Report(ExecutionEvent value)
        {
            if (value is StreamOutputEvent output)
            {
                page.Writer.TryWrite(output.Text);                             // DisplayDataEvent carries the plots
            }
        }
    }
    // </page-output>
}
