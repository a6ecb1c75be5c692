using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpyBox.AI;

/// <summary>
/// A chat-client middleware for providers that do not accept images inside tool results (for example OpenAI Chat
/// Completions): before each request it moves image <see cref="DataContent"/> out of function results into a user
/// message that follows the tool messages, and leaves a short text reference in the function result.
/// </summary>
/// <remarks>
/// Place it between the function-invoking client and the provider's client so it sees every function-calling round:
/// <c>builder.UseFunctionInvocation().UseIpyBoxImageForwarding()</c>. It recognises results that are
/// <see cref="AIContent"/>, lists of it, and their JSON form (Semantic Kernel functions invoked as AI functions
/// return their value serialised). The caller's messages are not modified.
/// </remarks>
public sealed class ImageForwardingChatClient : DelegatingChatClient
{
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="ImageForwardingChatClient"/> class.</summary>
    /// <param name="innerClient">The client that talks to the provider.</param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    public ImageForwardingChatClient(IChatClient innerClient, ILogger? logger = null)
        : base(innerClient)
    {
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Gets or sets the text that introduces the images in the user message.</summary>
    /// <value>The default value is <c>Images returned by the tool calls above:</c>.</value>
    public string IntroductionText { get; set; } = "Images returned by the tool calls above:";

    /// <inheritdoc />
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(MoveImages(Throw.IfNull(messages)), options, cancellationToken);

    /// <inheritdoc />
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(MoveImages(Throw.IfNull(messages)), options, cancellationToken);

    /// <summary>Returns the messages with images moved out of function results, or the same messages when there are none.</summary>
    internal IEnumerable<ChatMessage> MoveImages(IEnumerable<ChatMessage> messages)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        if (!list.Any(m => m.Contents.Any(c => c is FunctionResultContent r && ExtractImages(r.Result) is not null)))
        {
            return list;
        }

        var rewritten = new List<ChatMessage>(list.Count + 1);
        var pending = new List<(string CallId, int Number, DataContent Image)>();
        var moved = 0;
        for (var i = 0; i < list.Count; i++)
        {
            var message = list[i];
            if (message.Contents.Any(c => c is FunctionResultContent r && ExtractImages(r.Result) is not null))
            {
                var contents = new List<AIContent>(message.Contents.Count);
                foreach (var content in message.Contents)
                {
                    if (content is FunctionResultContent result && ExtractImages(result.Result) is { } extracted)
                    {
                        var text = new StringBuilder(extracted.Text);
                        var first = pending.Count + 1;
                        foreach (var image in extracted.Images)
                        {
                            pending.Add((result.CallId, pending.Count + 1, image));
                        }

                        text.Append(CultureInfo.InvariantCulture, $"{(text.Length > 0 ? "\n" : string.Empty)}[{extracted.Images.Count} image(s) from this call are attached to the next user message as image {first}");
                        text.Append(extracted.Images.Count > 1 ? $" to {pending.Count}]" : "]");
                        contents.Add(new FunctionResultContent(result.CallId, text.ToString()) { Exception = result.Exception, AdditionalProperties = result.AdditionalProperties });
                        moved += extracted.Images.Count;
                    }
                    else
                    {
                        contents.Add(content);
                    }
                }

                rewritten.Add(new ChatMessage(message.Role, contents)
                {
                    AuthorName = message.AuthorName,
                    MessageId = message.MessageId,
                    CreatedAt = message.CreatedAt,
                    AdditionalProperties = message.AdditionalProperties,
                });
            }
            else
            {
                rewritten.Add(message);
            }

            var nextIsToolResult = i + 1 < list.Count && list[i + 1].Contents.Any(c => c is FunctionResultContent);
            if (pending.Count > 0 && !nextIsToolResult)
            {
                var contents = new List<AIContent> { new TextContent(IntroductionText) };
                foreach (var (callId, number, image) in pending)
                {
                    contents.Add(new TextContent(string.Create(CultureInfo.InvariantCulture, $"Image {number} (from tool call {callId}, {image.MediaType}):")));
                    contents.Add(image);
                }

                rewritten.Add(new ChatMessage(ChatRole.User, contents));
                pending.Clear();
            }
        }

        Log.ImagesMoved(_logger, moved);
        return rewritten;
    }

    /// <summary>Finds the images in a function result; <see langword="null"/> when it has none.</summary>
    internal static (string Text, List<DataContent> Images)? ExtractImages(object? result)
    {
        IEnumerable<AIContent>? contents = result switch
        {
            AIContent single => [single],
            IEnumerable<AIContent> many => many,
            JsonElement json => FromJson(json),
            _ => null,
        };

        if (contents is null)
        {
            return null;
        }

        var images = new List<DataContent>();
        var text = new StringBuilder();
        foreach (var content in contents)
        {
            switch (content)
            {
                case DataContent data when data.HasTopLevelMediaType("image"):
                    images.Add(data);
                    break;
                case TextContent t:
                    text.Append(text.Length > 0 ? "\n" : string.Empty).Append(t.Text);
                    break;
                default:
                    text.Append(text.Length > 0 ? "\n" : string.Empty).Append(JsonSerializer.Serialize(content, AIJsonUtilities.DefaultOptions));
                    break;
            }
        }

        return images.Count == 0 ? null : (text.ToString(), images);
    }

    private static List<AIContent>? FromJson(JsonElement json)
    {
        // Only content serialised by Microsoft.Extensions.AI carries the "$type" discriminator.
        static bool IsContent(JsonElement e) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("$type", out _);
        try
        {
            if (json.ValueKind == JsonValueKind.Array && json.GetArrayLength() > 0 && json.EnumerateArray().All(IsContent))
            {
                return json.Deserialize<List<AIContent>>(AIJsonUtilities.DefaultOptions);
            }

            if (IsContent(json) && json.Deserialize<AIContent>(AIJsonUtilities.DefaultOptions) is { } single)
            {
                return [single];
            }
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            // Not content after all: leave the result as it is.
        }

        return null;
    }
}
