namespace IpyBox.AI;

/// <summary>The output stream a <see cref="StreamOutputEvent"/> was written to.</summary>
public enum OutputStreamName
{
    /// <summary>Standard output (<c>print</c>).</summary>
    Stdout,

    /// <summary>Standard error (warnings, logging, <c>sys.stderr</c>).</summary>
    Stderr,
}
