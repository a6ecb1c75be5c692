using System.Globalization;
using System.Text;
using System.Text.Json;

namespace IpyBox.AI;

/// <summary>
/// What can still be read of a kernel message that was dropped for its size: its type, the request it answers and the media
/// types of its outputs, taken from the part that was held before the limit was reached (the Jupyter Server writes
/// <c>header</c> and <c>parent_header</c> before <c>content</c>), so the execution it belongs to can be told.
/// </summary>
/// <param name="Size">The bytes received for the message.</param>
/// <param name="Limit">The most bytes of one message the client holds (<see cref="ExecutionClientOptions.MaxMessageSize"/>).</param>
/// <param name="MessageType">The message type, e.g. <c>display_data</c>, or <see langword="null"/> when it could not be read.</param>
/// <param name="ParentId">The id of the request the message answers, or <see langword="null"/> when it could not be read.</param>
/// <param name="MediaTypes">The media types of a display or result, as far as they could be read.</param>
internal sealed record DroppedFrame(long Size, int Limit, string? MessageType, string? ParentId, IReadOnlyList<string> MediaTypes)
{
    /// <summary>The option that raises the limit a dropped message exceeded.</summary>
    public const string LimitOption = "ExecutionClientOptions.MaxMessageSize";

    private const int MaxNameLength = 256;
    private const int MaxMediaTypes = 16;

    /// <summary>Reads what it can of the start of a message; never throws.</summary>
    /// <param name="prefix">The start of the message, as far as it was held (a prefix of its JSON).</param>
    /// <param name="size">The bytes received for the message.</param>
    /// <param name="limit">The client's message limit.</param>
    public static DroppedFrame Read(ReadOnlySpan<byte> prefix, long size, int limit)
    {
        string? messageType = null;
        string? parentId = null;
        var mediaTypes = new List<string>();
        var reader = new Utf8JsonReader(prefix, isFinalBlock: false, state: default);
        string? section = null;
        string? contentKey = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.ValueSpan.Length > MaxNameLength)
                {
                    continue;
                }

                switch (reader.CurrentDepth)
                {
                    case 1:
                        section = reader.GetString();
                        contentKey = null;
                        if (section == "msg_type" && messageType is null)
                        {
                            messageType = ReadString(ref reader);
                        }

                        break;
                    case 2 when section == "header" && reader.ValueTextEquals("msg_type"u8):
                        messageType = ReadString(ref reader) ?? messageType;
                        break;
                    case 2 when section == "parent_header" && reader.ValueTextEquals("msg_id"u8):
                        parentId = ReadString(ref reader);
                        break;
                    case 2 when section == "content":
                        contentKey = reader.GetString();
                        break;
                    case 3 when section == "content" && contentKey == "data" && mediaTypes.Count < MaxMediaTypes:
                        mediaTypes.Add(reader.GetString()!);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // The rest is not readable JSON (or nested too deep for this look); what was read so far stands.
        }

        return new DroppedFrame(size, limit, messageType, parentId, mediaTypes);
    }

    /// <summary>Describes the dropped message for the execution it belonged to: what it was, its size, and the option that raises the limit.</summary>
    /// <param name="attributed"><see langword="false"/> when the message could not be matched to an execution.</param>
    public string Describe(bool attributed)
    {
        var text = new StringBuilder("[");
        text.Append(MessageType is null ? "a kernel message" : $"a {MessageType} message");
        if (MediaTypes.Count > 0)
        {
            text.Append(" (").AppendJoin(", ", MediaTypes).Append(')');
        }

        text.Append(CultureInfo.InvariantCulture, $" of {Size:N0} bytes was dropped: it exceeded the client's message limit of {Limit:N0} bytes even with its long strings cut");
        if (!attributed)
        {
            text.Append("; it could not be matched to an execution, so every running one is told");
        }

        text.Append(CultureInfo.InvariantCulture, $". Raise {LimitOption} to receive it.]");
        return text.ToString();
    }

    private static string? ReadString(ref Utf8JsonReader reader) =>
        reader.Read() && reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length <= MaxNameLength ? reader.GetString() : null;
}
