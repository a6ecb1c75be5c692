using System.Globalization;
using System.Security.Cryptography;

namespace IpyBox.AI;

/// <summary>
/// A durable sandbox's lease, kept on the engine so that every process sees it: its length in the
/// <see cref="ContainerLabels.Lease"/> label, and when it expires in the container's name,
/// <c>ipybox-&lt;12 hex digits&gt;-until-&lt;Unix seconds&gt;</c>. Labels cannot change after creation; the name is the one field of a
/// container the engine lets a client change (one rename, atomic), so renewing a lease costs a single call.
/// </summary>
internal static class ContainerLease
{
    private const string Prefix = "ipybox-";
    private const string Separator = "-until-";

    /// <summary>Returns the name of a new durable container whose lease expires at <paramref name="expires"/>.</summary>
    public static string NewName(DateTimeOffset expires) =>
        NameFor(Prefix + RandomNumberGenerator.GetHexString(12, lowercase: true), expires);

    /// <summary>Returns a unique name for a container that is not durable (it carries no expiry).</summary>
    public static string NewUnleasedName() => Prefix + RandomNumberGenerator.GetHexString(12, lowercase: true);

    /// <summary>Returns <paramref name="currentName"/> with its expiry replaced by <paramref name="expires"/>; a container of an earlier naming keeps its stem.</summary>
    public static string Renamed(string currentName, DateTimeOffset expires)
    {
        var name = currentName.TrimStart('/');
        var at = name.LastIndexOf(Separator, StringComparison.Ordinal);
        return NameFor(at > 0 ? name[..at] : name, expires);
    }

    /// <summary>Reads when the lease expires from a container's name; <see langword="null"/> for a container that carries none.</summary>
    public static DateTimeOffset? ExpiryOf(string? containerName)
    {
        if (containerName is null)
        {
            return null;
        }

        var at = containerName.LastIndexOf(Separator, StringComparison.Ordinal);
        return at > 0 && long.TryParse(containerName.AsSpan(at + Separator.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
    }

    /// <summary>Tells whether an expiry at <paramref name="current"/> must move to <paramref name="wanted"/>: it is earlier by more than a second, or unknown.</summary>
    public static bool NeedsRenewal(DateTimeOffset? current, DateTimeOffset wanted) =>
        current is not { } expires || expires < wanted - TimeSpan.FromSeconds(1);

    /// <summary>Reads the lease's length from a container's labels; <see langword="null"/> for a sandbox that is not durable.</summary>
    public static TimeSpan? LengthOf(IDictionary<string, string>? labels) =>
        labels is not null
        && labels.TryGetValue(ContainerLabels.Lease, out var text)
        && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : null;

    /// <summary>The label value of a lease length: whole seconds, at least one.</summary>
    public static string LabelOf(TimeSpan length) =>
        Math.Max(1, (long)Math.Ceiling(length.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static string NameFor(string stem, DateTimeOffset expires) =>
        string.Create(CultureInfo.InvariantCulture, $"{stem}{Separator}{Math.Max(0, expires.ToUnixTimeSeconds())}");
}
