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

    /// <summary>Replaces, in place, the function contents of the stand-in function with code-interpreter contents.</summary>
    public void ToCodeInterpreterContents(IList<AIContent> contents)
    {
        Remember(contents);
        for (var i = 0; i < contents.Count; i++)
        {
            contents[i] = contents[i] switch
            {
                FunctionCallContent call when call.Name == functionName => ToCall(call),
                FunctionResultContent result when _callIds.Contains(result.CallId) => ToResult(result),
                var other => other,
            };
        }
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
