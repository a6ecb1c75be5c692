// <usings>
using System.ClientModel;
using System.Text;
using IpyBox.AI;
using Microsoft.Extensions.AI;
using OpenAI;
// </usings>
using Microsoft.Agents.AI;

namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/code-interpreter.md, in the order of the page.</summary>
internal static class CodeInterpreterPage
{
    public static async Task CompleteExampleAsync(string apiKey, Uri endpoint)
    {
        // <complete>
        await using var sessions = new SandboxSessionManager();            // or services.AddIpyBox() and Build(provider)
        IChatClient model = new OpenAIClient(new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = endpoint })
            .GetChatClient("my-model").AsIChatClient();

        var chat = new ChatClientBuilder(model)
            .UseIpyBoxCodeInterpreter(sessions)   // above: turns the hosted tool into a function and back
            .UseFunctionInvocation()              // runs the calls (approval, limits, telemetry as for any function)
            .UseIpyBoxImageForwarding()           // below: plots reach Chat Completions as images
            .Build();

        var options = new ChatOptions
        {
            Tools = [new HostedCodeInterpreterTool { Inputs = [new DataContent(File.ReadAllBytes("sales.csv"), "text/csv") { Name = "sales.csv" }] }],
            AdditionalProperties = new() { [IpyBoxConversation.PropertyName] = "thread-42" },   // which sandbox
        };

        var response = await chat.GetResponseAsync("Plot monthly sales and save a summary table.", options);
        foreach (var content in response.Messages.SelectMany(m => m.Contents))
        {
            switch (content)
            {
                case CodeInterpreterToolCallContent call:
                    Console.WriteLine(Encoding.UTF8.GetString(((DataContent)call.Inputs![0]).Data.Span));   // the code, text/x-python
                    break;
                case CodeInterpreterToolResultContent result:
                    foreach (var output in result.Outputs!)
                    {
                        if (output is TextContent text) Console.WriteLine(text.Text);
                        if (output is DataContent { MediaType: "image/png" } png) File.WriteAllBytes("plot.png", png.Data.ToArray());
                        if (output is HostedFileContent file)   // a file the code saved in /app/outputs
                        {
                            var interpreter = chat.GetService<IpyBoxCodeInterpreterChatClient>()!;
                            await interpreter.DownloadFileAsync("thread-42", file, Path.Combine("out", file.Name!));
                        }
                    }
                    break;
            }
        }
        // </complete>
    }

    public static async Task AgentAsync(IChatClient model)
    {
        // <agent>
        var options = new IpyBoxOptions();
        options.ConversationKeySources.Add(AgentSessionConversationKeySource.Instance);   // one sandbox per agent session
        await using var sessions = new SandboxSessionManager(options);
        var agent = new ChatClientAgent(
            new ChatClientBuilder(model).UseIpyBoxCodeInterpreter(sessions).UseFunctionInvocation().Build(),
            new ChatClientAgentOptions { Name = "analyst", ChatOptions = new() { Tools = [new HostedCodeInterpreterTool()] } });
        var session = await agent.CreateSessionAsync();
        var response = await agent.RunAsync("What is the sum of 0..4?", session);
        // </agent>
        _ = response;
    }
}
