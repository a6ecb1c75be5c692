namespace IpyBox.AI;

/// <summary>The kind of an entry in a container's file system.</summary>
public enum RemoteFileKind
{
    /// <summary>A regular file.</summary>
    File,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link (not followed).</summary>
    SymbolicLink,

    /// <summary>Anything else: a device, FIFO or socket.</summary>
    Other,
}
