namespace IpyBox.AI;

/// <summary>
/// The connection under a <see cref="KernelChannel"/>: sends text frames to the server. Received frames and the loss of
/// the connection are reported to the channel by whoever owns the connection (<see cref="WebSocketTransport"/>).
/// </summary>
internal interface IKernelTransport : IDisposable
{
    /// <summary>Gets a value indicating whether frames can be sent.</summary>
    bool IsOpen { get; }

    /// <summary>Hands a frame to the connection.</summary>
    /// <returns>A task that completes when the frame is queued.</returns>
    Task SendAsync(string frame);

    /// <summary>Opens the connection again after it was lost, to the same kernel under the same session.</summary>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns>A task that completes when the connection is open again.</returns>
    /// <exception cref="HttpRequestException">The server refused; a <see cref="HttpRequestException.StatusCode"/> of 404 means the kernel is gone.</exception>
    /// <exception cref="TimeoutException">The handshake took too long.</exception>
    Task ReconnectAsync(CancellationToken cancellationToken);

    /// <summary>Closes the connection normally.</summary>
    /// <returns>A task that completes when the peer acknowledged the close.</returns>
    Task CloseAsync();
}
