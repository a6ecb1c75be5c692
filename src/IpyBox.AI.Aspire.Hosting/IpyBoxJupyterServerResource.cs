using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// A Jupyter Server of IpyBox.AI's runtime image, run as a container of the AppHost. Its connection string,
/// <c>Endpoint=http://host:port/;Token=...</c>, is what <c>AddIpyBox(connectionName)</c> reads to run sandboxes as kernels
/// on it.
/// </summary>
public sealed class IpyBoxJupyterServerResource : ContainerResource, IResourceWithConnectionString
{
    /// <summary>The name of the server's HTTP endpoint (REST API and kernel WebSockets).</summary>
    public const string EndpointName = "http";

    /// <summary>The port the server listens on inside the container.</summary>
    public const int TargetPort = 8888;

    /// <summary>Initializes a new instance of the <see cref="IpyBoxJupyterServerResource"/> class.</summary>
    /// <param name="name">The resource's name, also the name of its connection string.</param>
    /// <param name="token">The secret parameter holding the server's token.</param>
    public IpyBoxJupyterServerResource(string name, ParameterResource token)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(token);
        Token = token;
        PrimaryEndpoint = new EndpointReference(this, EndpointName);
    }

    /// <summary>Gets the secret parameter holding the server's token.</summary>
    public ParameterResource Token { get; }

    /// <summary>Gets the server's HTTP endpoint.</summary>
    public EndpointReference PrimaryEndpoint { get; }

    /// <summary>Gets the connection string: <c>Endpoint=</c> the server's address, <c>;Token=</c> its token.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={PrimaryEndpoint.Property(EndpointProperty.Url)};Token={Token}");
}
