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

    /// <summary>The host name of the machine whose process created the container.</summary>
    public const string OwnerHost = "ai.ipybox.owner-host";
}
