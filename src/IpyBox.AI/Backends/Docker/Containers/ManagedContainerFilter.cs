namespace IpyBox.AI;

/// <summary>Which IpyBox.AI containers <see cref="ManagedContainers"/> lists or removes.</summary>
public sealed class ManagedContainerFilter
{
    /// <summary>Gets or sets the image the containers must run (as recorded in <see cref="ContainerLabels.Image"/>).</summary>
    /// <value>The default value is <see langword="null"/> (any image).</value>
    public string? Image { get; set; }

    /// <summary>Gets or sets the conversation whose sandbox containers are meant (as recorded in <see cref="ContainerLabels.Conversation"/>).</summary>
    /// <remarks>Containers handed out by a warm pool were created before their conversation was known and carry no conversation label.</remarks>
    /// <value>The default value is <see langword="null"/> (any conversation, or none).</value>
    public string? ConversationKey { get; set; }

    /// <summary>Gets the labels the containers must carry, each with the given value.</summary>
    public IDictionary<string, string> Labels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets a value indicating whether only orphans count: containers whose creating process on this machine is gone.</summary>
    /// <value>The default value is <see langword="false"/> (every matching container).</value>
    public bool OrphanedOnly { get; set; }

    /// <summary>Gets or sets the Docker engine endpoint.</summary>
    /// <value>The default value is <see langword="null"/>: <c>DOCKER_HOST</c>, then the Docker context, then the local socket.</value>
    public Uri? DockerEndpoint { get; set; }
}
