using System.Text;
using Microsoft.Extensions.AI;

namespace IpyBox.AI;

/// <summary>
/// Translates between the code-interpreter contents the caller sees (<see cref="CodeInterpreterToolCallContent"/>,
/// <see cref="CodeInterpreterToolResultContent"/>) and the function contents the inner client and the function-invoking
/// client work with (<see cref="FunctionCallContent"/>, <see cref="FunctionResultContent"/> of one function name).
/// </summary>
internal sealed class CodeInterpreterContentMapper(string functionName)
{
    /// <summary>The media type of the code in <see cref="CodeInterpreterToolCallContent.Inputs"/>.</summary>
    public const string PythonMediaType = "text/x-python";

    private readonly HashSet<string> _callIds = new(StringComparer.Ordinal);

    /// <summary>Returns the caller's messages with code-interpreter contents turned into function contents; the caller's messages are not changed.</summary>
    public List<ChatMessage> ToFunctionMessages(IEnumerable<ChatMessage> messages)
    {
        var result = new List<ChatMessage>();
        foreach (var message in messages)
        {
            Remember(message.Contents);
            if (!message.Contents.Any(c => c is CodeInterpreterToolCallContent or CodeInterpreterToolResultContent))
            {
                result.Add(message);
                continue;
            }

            var contents = message.Contents.Select(ToFunctionContent).ToList();
            Remember(contents);
            result.Add(new ChatMessage(message.Role, contents)
            {
                AuthorName = message.AuthorName,
                MessageId = message.MessageId,
                CreatedAt = message.CreatedAt,
                AdditionalProperties = message.AdditionalProperties,
                RawRepresentation = message.RawRepresentation,
            });
        }

        return result;
    }

    /// <summary>Returns the message with the stand-in function's contents replaced by code-interpreter contents; the same message when it has none.</summary>
    public ChatMessage ToCodeInterpreterMessage(ChatMessage message)
    {
        if (ToCodeInterpreterContents(message.Contents) is not { } contents)
        {
            return message;
        }

        var copy = message.Clone();
        copy.Contents = contents;
        return copy;
    }

    /// <summary>Returns the update with the stand-in function's contents replaced by code-interpreter contents; the same update when it has none.</summary>
    public ChatResponseUpdate ToCodeInterpreterUpdate(ChatResponseUpdate update)
    {
        if (ToCodeInterpreterContents(update.Contents) is not { } contents)
        {
            return update;
        }

        var copy = update.Clone();
        copy.Contents = contents;
        return copy;
    }

    /// <summary>
    /// Returns a new list with the stand-in function's contents replaced by code-interpreter contents, or <see langword="null"/>
    /// when there are none. The given contents are not changed: the function-invoking client below may still hold them.
    /// </summary>
    private List<AIContent>? ToCodeInterpreterContents(IList<AIContent> contents)
    {
        Remember(contents);
        List<AIContent>? mapped = null;
        for (var i = 0; i < contents.Count; i++)
        {
            AIContent? replacement = contents[i] switch
            {
                FunctionCallContent call when call.Name == functionName => ToCall(call),
                FunctionResultContent result when _callIds.Contains(result.CallId) => ToResult(result),
                _ => null,
            };

            if (replacement is not null)
            {
                mapped ??= [.. contents];
                mapped[i] = replacement;
            }
        }

        return mapped;
    }

    private static CodeInterpreterToolCallContent ToCall(FunctionCallContent call)
    {
        var code = call.Arguments?.TryGetValue("code", out var value) == true ? value?.ToString() ?? string.Empty : string.Empty;
        return new CodeInterpreterToolCallContent(call.CallId)
        {
            Inputs = [new DataContent(Encoding.UTF8.GetBytes(code), PythonMediaType)],
            RawRepresentation = call,
            AdditionalProperties = call.AdditionalProperties,
        };
    }

    private static CodeInterpreterToolResultContent ToResult(FunctionResultContent result)
    {
        List<AIContent> outputs = result.Result switch
        {
            IEnumerable<AIContent> many => [.. many],
            AIContent single => [single],
            null => [],
            var other => [new TextContent(other.ToString())],
        };

        if (result.Exception is { } exception)
        {
            outputs.Add(new ErrorContent(exception.Message));
        }

        return new CodeInterpreterToolResultContent(result.CallId)
        {
            Outputs = outputs,
            RawRepresentation = result,
            AdditionalProperties = result.AdditionalProperties,
        };
    }

    private AIContent ToFunctionContent(AIContent content) => content switch
    {
        CodeInterpreterToolCallContent { RawRepresentation: FunctionCallContent original } => original,
        CodeInterpreterToolCallContent call => new FunctionCallContent(call.CallId, functionName, new Dictionary<string, object?> { ["code"] = CodeOf(call) }),
        CodeInterpreterToolResultContent { RawRepresentation: FunctionResultContent original } => original,
        CodeInterpreterToolResultContent result => new FunctionResultContent(result.CallId, result.Outputs?.ToList() ?? []),
        _ => content,
    };

    private static string CodeOf(CodeInterpreterToolCallContent call) =>
        string.Concat((call.Inputs ?? []).OfType<DataContent>()
            .Where(d => string.Equals(d.MediaType, PythonMediaType, StringComparison.OrdinalIgnoreCase) || d.HasTopLevelMediaType("text"))
            .Select(d => Encoding.UTF8.GetString(d.Data.Span)));

    /// <summary>Remembers the call ids of the stand-in function, so that their results are recognised.</summary>
    private void Remember(IEnumerable<AIContent> contents)
    {
        foreach (var content in contents)
        {
            var call = content switch
            {
                FunctionCallContent c => c,
                ToolApprovalRequestContent { ToolCall: FunctionCallContent c } => c,
                ToolApprovalResponseContent { ToolCall: FunctionCallContent c } => c,
                _ => null,
            };

            if (call?.Name == functionName)
            {
                _callIds.Add(call.CallId);
            }
        }
    }
}
