namespace IpyBox.AI;

/// <summary>An image could not be built or pulled.</summary>
public sealed class ImageBuildException : IpyBoxException
{
    /// <summary>Initializes a new instance of the <see cref="ImageBuildException"/> class.</summary>
    public ImageBuildException()
        : this("The image could not be built.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ImageBuildException"/> class.</summary>
    /// <param name="message">The error.</param>
    public ImageBuildException(string message)
        : this(message, string.Empty)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ImageBuildException"/> class.</summary>
    /// <param name="message">The error.</param>
    /// <param name="innerException">The underlying error.</param>
    public ImageBuildException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Output = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="ImageBuildException"/> class.</summary>
    /// <param name="message">The error.</param>
    /// <param name="output">The build or pull output that led to it.</param>
    public ImageBuildException(string message, string output)
        : base(string.IsNullOrEmpty(output) ? message : $"{message}{System.Environment.NewLine}{Tail(output)}")
    {
        Output = output;
    }

    /// <summary>Gets the whole build or pull output that led to the error.</summary>
    public string Output { get; }

    private static string Tail(string output, int lines = 30)
    {
        var all = output.TrimEnd().Split('\n');
        return all.Length <= lines ? string.Join('\n', all) : $"... ({all.Length - lines} earlier lines in Output)\n{string.Join('\n', all[^lines..])}";
    }
}
