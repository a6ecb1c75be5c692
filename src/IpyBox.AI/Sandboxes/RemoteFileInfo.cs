namespace IpyBox.AI;

/// <summary>An entry of a directory in a container, as returned by <see cref="ResourceClient.ListAsync"/>.</summary>
/// <param name="Name">The entry's name, without its directory.</param>
/// <param name="RelativePath">The entry's path relative to <c>/app</c>, with forward slashes.</param>
/// <param name="Size">The size in bytes (0 for directories; the length of the target path for symbolic links).</param>
/// <param name="Kind">The kind of entry.</param>
/// <param name="Modified">The time of the last modification.</param>
public sealed record RemoteFileInfo(string Name, string RelativePath, long Size, RemoteFileKind Kind, DateTimeOffset Modified);
