using System.Net;

namespace IpyBox.AI.TestUtilities;

/// <summary>The accept step of the small HTTP servers tests run on <see cref="HttpListener"/>.</summary>
public static class LoopbackListener
{
    /// <summary>Waits for the next request; <see langword="null"/> once the listener is stopped or closed, which ends a server's loop.</summary>
    public static async Task<HttpListenerContext?> NextAsync(HttpListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        try
        {
            return listener.IsListening ? await listener.GetContextAsync() : null;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            return null;
        }
    }
}
