using System.Text.Json.Nodes;

namespace IpyBox.AI;

/// <summary>Sends messages to a kernel over its WebSocket, e.g. the <c>input_reply</c> to an <c>input_request</c>.</summary>
public interface IJupyterMessageSender
{
    /// <summary>Sends a message.</summary>
    /// <param name="channel">The channel: <c>stdin</c> for <c>input_reply</c>, <c>shell</c> for comm messages.</param>
    /// <param name="messageType">The message type, e.g. <c>input_reply</c>.</param>
    /// <param name="content">The content.</param>
    /// <param name="parent">The message this one answers, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the message was handed to the connection.</returns>
    /// <exception cref="KernelUnavailableException">The connection to the kernel is lost.</exception>
    Task SendAsync(string channel, string messageType, JsonObject content, JupyterMessage? parent, CancellationToken cancellationToken = default);
}
