namespace IpyBox.AI;

/// <summary>
/// Handles kernel messages that are not an execution's output: a stdin <c>input_request</c> (a cell calling <c>input()</c>)
/// and comm messages (<c>comm_open</c>, <c>comm_msg</c>, <c>comm_close</c>). This is how code in a sandbox can talk to the
/// host while it runs, over the kernel's own authenticated connection, without any listening port.
/// </summary>
/// <remarks>
/// While a handler is registered, executions are sent with <c>allow_stdin</c>, so <c>input()</c> in a cell waits for a
/// reply instead of failing. An <c>input_request</c> that no handler takes is answered with an empty string, so a cell
/// never waits for a reply that will not come. Handlers run on the connection's receive path: start long work in the
/// background and reply through <see cref="IJupyterMessageSender"/> when done.
/// </remarks>
public interface IJupyterMessageHandler
{
    /// <summary>Offers a message to the handler.</summary>
    /// <param name="message">The message.</param>
    /// <param name="sender">Sends replies (an <c>input_reply</c>, a <c>comm_msg</c>) to the same kernel.</param>
    /// <returns><see langword="true"/> when the handler took the message; it is then offered to no other handler.</returns>
    bool Handle(JupyterMessage message, IJupyterMessageSender sender);
}
