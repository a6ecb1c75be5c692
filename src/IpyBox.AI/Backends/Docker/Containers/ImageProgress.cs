namespace IpyBox.AI;

/// <summary>One line of progress while an image is built or pulled.</summary>
/// <param name="Image">The image being built or pulled.</param>
/// <param name="Message">The engine's progress text (a build step's output or a pull status), colour codes included.</param>
public sealed record ImageProgress(string Image, string Message)
{
    /// <summary>Gets <see cref="Message"/> without ANSI escape sequences (colours, cursor moves), for logs and redirected output.</summary>
    public string PlainMessage => AnsiEscapes.Strip(Message);
}
