using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace IpyBox.AI;

/// <summary>
/// A local code interpreter for any <see cref="IChatClient"/>: when a request's <see cref="ChatOptions.Tools"/> carry a
/// <see cref="HostedCodeInterpreterTool"/>, the inner client sees an ordinary function in its place (named
/// <see cref="IpyBoxCodeInterpreterOptions.FunctionName"/>) that runs Python in the conversation's sandbox, and the caller
/// sees the calls and their results as <see cref="CodeInterpreterToolCallContent"/> (the code as <see cref="DataContent"/>
/// of type <c>text/x-python</c>) and <see cref="CodeInterpreterToolResultContent"/> (text, images as
/// <see cref="DataContent"/>, files as <see cref="HostedFileContent"/>), streaming and not.
/// </summary>
/// <remarks>
/// <para>
/// The calls are run by the <see cref="FunctionInvokingChatClient"/> below this client, so approval
/// (<see cref="IpyBoxOptions.RequireApproval"/>), function-invocation limits, its OpenTelemetry spans and other tools of the
/// request work as they do for any function: build it as <c>builder.UseIpyBoxCodeInterpreter().UseFunctionInvocation()</c>.
/// A request with the tool and no function-invoking client below is refused with an <see cref="InvalidOperationException"/>.
/// Requests without the tool pass through untouched.
/// </para>
/// <para>
/// The conversation is found as for the other IpyBox tools (<see cref="IpyBoxConversation"/>). The contents of
/// <see cref="HostedCodeInterpreterTool.Inputs"/> that carry data (<see cref="DataContent"/>) are uploaded into
/// <see cref="IpyBoxCodeInterpreterOptions.InputFolder"/> before the request; other inputs are left out. Code-interpreter
/// contents in the history the caller sends back are turned into function contents again for the inner client.
/// Approval requests name the stand-in function (a <see cref="FunctionCallContent"/>).
/// </para>
/// </remarks>
public sealed class IpyBoxCodeInterpreterChatClient : DelegatingChatClient
{
    private readonly AIFunction _function;
    private readonly string _inputFolder;

    /// <summary>Initializes a new instance of the <see cref="IpyBoxCodeInterpreterChatClient"/> class.</summary>
    /// <param name="innerClient">The client below; a <see cref="FunctionInvokingChatClient"/> must be part of it.</param>
    /// <param name="sessions">The sandboxes of the conversations.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> or <paramref name="sessions"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The function name is blank, or a folder is absolute or escapes <c>/app</c>.</exception>
    public IpyBoxCodeInterpreterChatClient(IChatClient innerClient, SandboxSessionManager sessions, IpyBoxCodeInterpreterOptions? options = null)
        : base(innerClient)
    {
        Sessions = Throw.IfNull(sessions);
        Options = options ?? new IpyBoxCodeInterpreterOptions();
        Throw.IfNullOrWhiteSpace(Options.FunctionName);
        _inputFolder = AppPath.Normalize(Options.InputFolder ?? string.Empty);
        _function = new CodeInterpreterFunction(new SandboxTools(sessions), Options).AsAIFunction();
    }

    /// <summary>Gets the sandboxes of the conversations.</summary>
    public SandboxSessionManager Sessions { get; }

    /// <summary>Gets the settings.</summary>
    public IpyBoxCodeInterpreterOptions Options { get; }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(messages);
        if (InterpreterOf(options) is not { } interpreter)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        var mapper = new CodeInterpreterContentMapper(Options.FunctionName);
        var innerMessages = mapper.ToFunctionMessages(messages);
        var innerOptions = await PrepareAsync(options!, interpreter, cancellationToken).ConfigureAwait(false);
        var response = await base.GetResponseAsync(innerMessages, innerOptions, cancellationToken).ConfigureAwait(false);
        response.Messages = [.. response.Messages.Select(mapper.ToCodeInterpreterMessage)];
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Throw.IfNull(messages);
        if (InterpreterOf(options) is not { } interpreter)
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            yield break;
        }

        var mapper = new CodeInterpreterContentMapper(Options.FunctionName);
        var innerMessages = mapper.ToFunctionMessages(messages);
        var innerOptions = await PrepareAsync(options!, interpreter, cancellationToken).ConfigureAwait(false);
        await foreach (var update in base.GetStreamingResponseAsync(innerMessages, innerOptions, cancellationToken).ConfigureAwait(false))
        {
            yield return mapper.ToCodeInterpreterUpdate(update);
        }
    }

    /// <summary>Copies a file a call reported (a <see cref="HostedFileContent"/> whose <c>FileId</c> is its path in the sandbox) from the conversation's sandbox to the host.</summary>
    /// <param name="conversationKey">The conversation whose sandbox holds the file.</param>
    /// <param name="file">The file, as the call's result reported it.</param>
    /// <param name="localPath">The target file on the host; missing parent directories are created and an existing file is replaced.</param>
    /// <param name="cancellationToken">Cancels the download; no partial file is left behind.</param>
    /// <returns>A task that completes when the file is on the host.</returns>
    /// <exception cref="ArgumentException">The file id is not a path under <c>/app</c>, or escapes it.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist in the sandbox.</exception>
    public async Task DownloadFileAsync(string conversationKey, HostedFileContent file, string localPath, CancellationToken cancellationToken = default)
    {
        Throw.IfNullOrWhiteSpace(conversationKey);
        Throw.IfNull(file);
        Throw.IfNullOrWhiteSpace(localPath);
        var prefix = AppPath.Root + "/";
        if (!file.FileId.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{file.FileId}' is not a file of the sandbox; the code interpreter reports files as paths under {AppPath.Root}.", nameof(file));
        }

        var relative = AppPath.Normalize(file.FileId[prefix.Length..]);
        var session = await Sessions.GetOrCreateAsync(conversationKey, cancellationToken).ConfigureAwait(false);
        await session.RunAsync((sandbox, ct) => sandbox.Files.DownloadFileAsync(relative, localPath, ct), cancellationToken).ConfigureAwait(false);
    }

    private static HostedCodeInterpreterTool? InterpreterOf(ChatOptions? options) =>
        options?.Tools?.OfType<HostedCodeInterpreterTool>().FirstOrDefault();

    /// <summary>Checks the pipeline, uploads the tool's inputs and returns options whose tools carry the stand-in function instead of the hosted tool.</summary>
    private async Task<ChatOptions> PrepareAsync(ChatOptions options, HostedCodeInterpreterTool interpreter, CancellationToken cancellationToken)
    {
        if (InnerClient.GetService<FunctionInvokingChatClient>() is null)
        {
            throw new InvalidOperationException(
                "The IpyBox code interpreter needs a FunctionInvokingChatClient below it to run its calls: build the client as " +
                "builder.UseIpyBoxCodeInterpreter().UseFunctionInvocation() (or pass a client that already contains one).");
        }

        if (options.Tools!.Any(t => t is not HostedCodeInterpreterTool && t.Name == Options.FunctionName))
        {
            throw new InvalidOperationException(
                $"The request already has a tool named '{Options.FunctionName}'; give the code interpreter another name (IpyBoxCodeInterpreterOptions.FunctionName).");
        }

        await UploadInputsAsync(interpreter, options, cancellationToken).ConfigureAwait(false);
        var innerOptions = options.Clone();
        innerOptions.Tools = [.. options.Tools!.Where(t => t is not HostedCodeInterpreterTool), _function];
        return innerOptions;
    }

    private async Task UploadInputsAsync(HostedCodeInterpreterTool interpreter, ChatOptions options, CancellationToken cancellationToken)
    {
        var files = (interpreter.Inputs ?? []).OfType<DataContent>().ToList();
        if (files.Count == 0)
        {
            return;
        }

        var key = ConversationKeyOf(options) ?? throw new InvalidOperationException(
            "The code interpreter's inputs need a conversation to upload them to: begin one with IpyBoxConversation.Begin(key), set " +
            "ChatOptions.AdditionalProperties[IpyBoxConversation.PropertyName], or set IpyBoxOptions.DefaultConversationKey.");
        var session = await Sessions.GetOrCreateAsync(key, cancellationToken).ConfigureAwait(false);
        var number = 0;
        foreach (var file in files)
        {
            number++;
            var name = CodeInterpreterInputName.Of(file, number);
            var target = _inputFolder.Length == 0 ? name : $"{_inputFolder}/{name}";
            var temporary = Path.Combine(Path.GetTempPath(), $"ipybox-input-{Guid.NewGuid():N}");
            try
            {
                await File.WriteAllBytesAsync(temporary, file.Data.ToArray(), cancellationToken).ConfigureAwait(false);
                await session.RunAsync((sandbox, ct) => sandbox.Files.UploadFileAsync(temporary, target, ct), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>The conversation of a request: the ambient key and the application's sources, then the request's options, then the default.</summary>
    private string? ConversationKeyOf(ChatOptions options) =>
        ConversationKeyResolver.Resolve(
            null,
            Sessions.Options.DefaultConversationKey,
            [.. Sessions.Options.ConversationKeySources, new FixedConversationKeySource(IpyBoxConversation.KeyIn(options.AdditionalProperties))]);

    /// <summary>A source that returns one key.</summary>
    private sealed class FixedConversationKeySource(string? key) : IConversationKeySource
    {
        public string? GetConversationKey() => key;
    }
}
