namespace IpyBox.AI;

/// <summary>The firewall of a container could not be set up: a root image, or the firewall script failed.</summary>
public sealed class FirewallException : IpyBoxException
{
    /// <summary>Initializes a new instance of the <see cref="FirewallException"/> class.</summary>
    public FirewallException()
        : this("The firewall could not be set up.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FirewallException"/> class.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    public FirewallException(string message)
        : this(message, output: string.Empty)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FirewallException"/> class.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="innerException">The underlying error.</param>
    public FirewallException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Output = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="FirewallException"/> class.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="output">The firewall script's output.</param>
    public FirewallException(string message, string output)
        : base(string.IsNullOrWhiteSpace(output) ? message : $"{message}{System.Environment.NewLine}Output:{System.Environment.NewLine}{output.Trim()}")
    {
        Output = output ?? string.Empty;
    }

    /// <summary>Gets the firewall script's output (standard output and error).</summary>
    public string Output { get; }
}
