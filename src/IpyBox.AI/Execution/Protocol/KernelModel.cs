namespace IpyBox.AI;

/// <summary>What a Jupyter server says of one of its kernels, checked before use: the server may be hostile.</summary>
/// <param name="Id">The kernel's id: 1 to 128 letters, digits, <c>-</c> and <c>_</c> (a UUID on a stock server).</param>
/// <param name="Name">The kernel spec's name, or <see langword="null"/> when the server gave none that is usable.</param>
/// <param name="LastActivity">When the kernel was last active, or <see cref="DateTimeOffset.MinValue"/> when the server did not say.</param>
internal sealed record KernelModel(string Id, string? Name, DateTimeOffset LastActivity)
{
    private const int MaxIdLength = 128;

    /// <summary>Whether <paramref name="id"/> has the form of a kernel id, so it can go into an address as one path segment.</summary>
    public static bool IsValidId(string? id) =>
        id is { Length: > 0 and <= MaxIdLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Whether <paramref name="name"/> has the form of a kernel spec's name.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= MaxIdLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
