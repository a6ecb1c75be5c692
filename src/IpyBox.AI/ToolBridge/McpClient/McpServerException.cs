namespace IpyBox.AI;

/// <summary>An MCP server could not be started or reached, or an MCP configuration is invalid.</summary>
public sealed class McpServerException : IpyBoxException
{
    /// <summary>Initializes a new instance of the <see cref="McpServerException"/> class.</summary>
    public McpServerException()
        : this("The MCP server could not be used.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="McpServerException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    public McpServerException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="McpServerException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The underlying error.</param>
    public McpServerException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
