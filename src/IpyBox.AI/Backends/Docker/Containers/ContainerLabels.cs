using System.Globalization;

namespace IpyBox.AI;

/// <summary>Labels the library puts on every container it creates, so they can be found and removed.</summary>
public static class ContainerLabels
{
    /// <summary>Marks a container as created by IpyBox.AI (value <c>true</c>).</summary>
    public const string Managed = "ai.ipybox.managed";

    /// <summary>The image the container was created from.</summary>
    public const string Image = "ai.ipybox.image";

    /// <summary>The id of the process that created the container; a container whose process is gone is an orphan.</summary>
    public const string OwnerProcessId = "ai.ipybox.owner-pid";

    /// <summary>
    /// When the process that created the container started (Unix time in milliseconds, UTC). With <see cref="OwnerProcessId"/>
    /// it identifies the process: a later process that got the same id is not mistaken for the owner.
    /// </summary>
    public const string OwnerStarted = "ai.ipybox.owner-started";

    /// <summary>The host name of the machine whose process created the container.</summary>
    public const string OwnerHost = "ai.ipybox.owner-host";

    /// <summary>The conversation (chat thread) key of the sandbox the container serves, when it serves one.</summary>
    /// <remarks>A container started ahead of time by a warm pool has no conversation yet when it is created; it carries <see cref="Pool"/> instead.</remarks>
    public const string Conversation = "ai.ipybox.conversation";

    /// <summary>The id of the warm pool (<see cref="PoolingSandboxProvider.PoolId"/>) that started the container ahead of time.</summary>
    public const string Pool = "ai.ipybox.pool";

    /// <summary>The prefix of the labels that hold the application's metadata (<see cref="SandboxRequest.Metadata"/>): the key follows it.</summary>
    public const string MetadataPrefix = "ai.ipybox.meta.";

    /// <summary>The length of a durable sandbox's lease in whole seconds (<see cref="SandboxRequest.Lease"/>); when it expires is kept in the container's name.</summary>
    public const string Lease = "ai.ipybox.lease";

    /// <summary>On a container, the snapshot it started from; on an image, the name of the snapshot it holds.</summary>
    public const string Snapshot = "ai.ipybox.snapshot";

    /// <summary>On a snapshot's image, the id of the sandbox it was taken from.</summary>
    public const string SnapshotSource = "ai.ipybox.snapshot-source";

    /// <summary>The token of the container's kernel server, so that another process can attach. Whoever can read it can use the engine, which is more.</summary>
    internal const string Token = "ai.ipybox.token";

    /// <summary>The arguments the firewall was installed with (JSON), so that a sandbox resumed from a stop gets the same rules before any kernel runs.</summary>
    internal const string Firewall = "ai.ipybox.firewall";

    private static readonly Lazy<string> s_processStarted = new(() =>
        ProcessOwner.StartTimeOf(Environment.ProcessId)?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) ?? string.Empty);

    /// <summary>Builds the labels of a new container: <paramref name="extra"/> first, then the library's own, which win.</summary>
    internal static Dictionary<string, string> For(string image, IEnumerable<KeyValuePair<string, string>> extra)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in extra)
        {
            labels[key] = value;
        }

        labels[Managed] = "true";
        labels[Image] = image;
        labels[OwnerProcessId] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        labels[OwnerStarted] = s_processStarted.Value;
        labels[OwnerHost] = Environment.MachineName;
        return labels;
    }
}
