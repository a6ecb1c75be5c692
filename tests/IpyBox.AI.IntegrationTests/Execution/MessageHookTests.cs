using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// A cell talks to the host while it runs: <c>input()</c> in the kernel sends an <c>input_request</c> over the kernel's own
/// WebSocket, a handler registered on the sandbox answers it, and the answer is what <c>input()</c> returns.
/// </summary>
public sealed class MessageHookTests : IAsyncLifetime
{
    private ISandbox? _sandbox;

    private ISandbox Sandbox => _sandbox ?? throw new InvalidOperationException("The sandbox has not started.");

    public async Task InitializeAsync()
    {
        await DockerEngine.EnsureAvailableAsync();
        _sandbox = await new DockerSandboxProvider().CreateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_handler_receives_the_input_request_and_answers_it_through_the_sender()
    {
        var prompts = new ConcurrentQueue<string>();
        using var registration = Sandbox.AddMessageHandler(new InputAnswerer(prompt =>
        {
            prompts.Enqueue(prompt);
            return "forty-two";
        }));

        var result = await Sandbox.ExecuteAsync("value = input('How many? ')\nprint('got', value)", TimeSpan.FromMinutes(2));

        Assert.Equal("How many? ", Assert.Single(prompts));
        Assert.Equal("got forty-two", result.Text);
    }

    [Fact]
    public async Task The_handler_answers_every_input_of_a_cell_and_is_kept_across_a_reset()
    {
        var answers = new ConcurrentQueue<string>(["left", "right"]);
        using var registration = Sandbox.AddMessageHandler(new InputAnswerer(_ => answers.TryDequeue(out var answer) ? answer : "none"));
        await Sandbox.ResetAsync();

        var result = await Sandbox.ExecuteAsync("a = input('first? ')\nb = input('second? ')\nprint(a + '+' + b)", TimeSpan.FromMinutes(2));

        Assert.Equal("left+right", result.Text);
    }

    [Fact]
    public async Task An_input_request_that_no_handler_takes_gets_an_empty_string_instead_of_waiting()
    {
        using var registration = Sandbox.AddMessageHandler(new DecliningHandler());

        var result = await Sandbox.ExecuteAsync("print(repr(input('anyone? ')))", TimeSpan.FromMinutes(2));

        Assert.Equal("''", result.Text);
    }

    [Fact]
    public async Task Without_a_handler_input_fails_at_once_instead_of_hanging()
    {
        // With a finite time limit, a hang would end in a TimeoutException; the kernel must refuse input() instead.
        var error = await Assert.ThrowsAsync<ExecutionException>(() => Sandbox.ExecuteAsync("input('prompt: ')", TimeSpan.FromMinutes(2)));

        Assert.Equal("StdinNotImplementedError", error.ErrorName);
        Assert.Equal("ok", (await Sandbox.ExecuteAsync("print('ok')")).Text);
    }

    /// <summary>Answers each <c>input_request</c> with what <paramref name="answer"/> returns for its prompt.</summary>
    private sealed class InputAnswerer(Func<string, string> answer) : IJupyterMessageHandler
    {
        public bool Handle(JupyterMessage message, IJupyterMessageSender sender)
        {
            if (message.MessageType != "input_request")
            {
                return false;
            }

            var value = answer(message.GetString("prompt") ?? string.Empty);
            // Handlers run on the receive loop: reply without blocking it.
            _ = sender.SendAsync("stdin", "input_reply", new JsonObject { ["value"] = value }, message);
            return true;
        }
    }

    private sealed class DecliningHandler : IJupyterMessageHandler
    {
        public bool Handle(JupyterMessage message, IJupyterMessageSender sender) => false;
    }
}
