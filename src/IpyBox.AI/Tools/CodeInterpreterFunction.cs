using System.ComponentModel;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace IpyBox.AI;

/// <summary>
/// The ordinary function that stands in for <see cref="HostedCodeInterpreterTool"/>: it runs the model's code in the
/// conversation's sandbox through <see cref="SandboxTools"/> and adds the files the call created or changed in the output
/// folder as <see cref="HostedFileContent"/>, with a line for the model that names them.
/// </summary>
internal sealed class CodeInterpreterFunction
{
    private readonly SandboxTools _tools;
    private readonly IpyBoxCodeInterpreterOptions _options;
    private readonly string? _outputFolder;

    public CodeInterpreterFunction(SandboxTools tools, IpyBoxCodeInterpreterOptions options)
    {
        _tools = tools;
        _options = options;
        _outputFolder = string.IsNullOrWhiteSpace(options.OutputFolder) ? null : AppPath.Normalize(options.OutputFolder);
    }

    /// <summary>Creates the function the model sees: schema-checked, and under approval when <see cref="IpyBoxOptions.RequireApproval"/> is set.</summary>
    public AIFunction AsAIFunction()
    {
        var function = AIFunctionFactory.Create(RunAsync, new AIFunctionFactoryOptions { Name = _options.FunctionName, Description = _options.Description });
        var checkedFunction = new SchemaCheckedAIFunction(function);
#pragma warning disable MEAI001 // Tool approval is experimental in Microsoft.Extensions.AI.
        return _tools.Sessions.Options.RequireApproval ? new ApprovalRequiredAIFunction(checkedFunction) : checkedFunction;
#pragma warning restore MEAI001
    }

    /// <summary>Returns the conversation of the current call, in the order the other IpyBox tools use.</summary>
    internal static string? ResolveConversationKey(IpyBoxOptions options) =>
        ConversationKeyResolver.Resolve(null, options.DefaultConversationKey, [.. options.ConversationKeySources, ChatOptionsConversationKeySource.Instance]);

    private async Task<IList<AIContent>> RunAsync(
        [Description("The Python code to run. It may span many lines and use IPython magics.")] string code,
        CancellationToken cancellationToken = default)
    {
        var key = ResolveConversationKey(_tools.Sessions.Options);
        var before = await ListOutputsAsync(key, cancellationToken).ConfigureAwait(false);
        var result = await _tools.ExecuteWithOutputAsync(key, code, timeout: null, IpyBoxConversation.CurrentOutput, cancellationToken).ConfigureAwait(false);
        var contents = new List<AIContent>(result.Contents);
        if (before is null)
        {
            return contents;
        }

        var after = await ListOutputsAsync(key, cancellationToken).ConfigureAwait(false) ?? [];
        var files = after.Values.Where(f => f.Kind == RemoteFileKind.File && !(before.TryGetValue(f.RelativePath, out var old) && old == f)).ToList();
        if (files.Count > 0)
        {
            var note = new StringBuilder("Files saved for the user:");
            foreach (var file in files)
            {
                note.Append(CultureInfo.InvariantCulture, $" {AppPath.ToAbsolute(file.RelativePath)} ({file.Size} bytes);");
            }

            contents.Add(new TextContent(note.ToString().TrimEnd(';')));
            contents.AddRange(files.Select(f => new HostedFileContent(AppPath.ToAbsolute(f.RelativePath))
            {
                Name = f.Name,
                MediaType = SandboxFileMediaType.Of(f.Name),
                SizeInBytes = f.Size,
            }));
        }

        return contents;
    }

    /// <summary>Lists the output folder by path; <see langword="null"/> when no folder is watched or the sandbox could not be reached (the execution then reports why).</summary>
    private async Task<Dictionary<string, RemoteFileInfo>?> ListOutputsAsync(string? key, CancellationToken cancellationToken)
    {
        if (_outputFolder is null || key is null)
        {
            return null;
        }

        try
        {
            var session = await _tools.Sessions.GetOrCreateAsync(key, cancellationToken).ConfigureAwait(false);
            var entries = await session.RunAsync(
                async (sandbox, ct) =>
                {
                    try
                    {
                        return await sandbox.Files.ListAsync(_outputFolder, ct).ConfigureAwait(false);
                    }
                    catch (DirectoryNotFoundException)
                    {
                        return [];
                    }
                },
                cancellationToken).ConfigureAwait(false);
            return entries.ToDictionary(e => e.RelativePath, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null;
        }
    }
}
