namespace IpyBox.AI;

/// <summary>No sandbox has the id given to <see cref="ISandboxDirectory"/>: it never existed, was deleted, or its lease expired and a sweep removed it.</summary>
public sealed class SandboxNotFoundException : IpyBoxException
{
    /// <summary>Initializes a new instance of the <see cref="SandboxNotFoundException"/> class.</summary>
    public SandboxNotFoundException()
        : this("No sandbox has this id.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SandboxNotFoundException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    public SandboxNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SandboxNotFoundException"/> class.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The underlying error.</param>
    public SandboxNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
