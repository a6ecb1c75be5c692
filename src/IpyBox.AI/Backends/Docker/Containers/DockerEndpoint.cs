using System.Net;
using Docker.DotNet;

namespace IpyBox.AI;

/// <summary>Where the Docker engine is and which host serves the ports it publishes.</summary>
internal sealed class DockerEndpoint
{
    private DockerEndpoint(Uri uri, string source)
    {
        Uri = uri;
        Source = source;
        IsRemote = uri.Scheme is "tcp" or "http" or "https" && !IsLoopback(uri.Host);
        ClientHost = uri.Scheme is "tcp" or "http" or "https" ? uri.Host : "127.0.0.1";
    }

    /// <summary>Gets the engine's address.</summary>
    public Uri Uri { get; }

    /// <summary>Gets where the address came from (option, DOCKER_HOST, context, default).</summary>
    public string Source { get; }

    /// <summary>Gets a value indicating whether the engine runs on another machine.</summary>
    public bool IsRemote { get; }

    /// <summary>Gets the host that clients connect to for ports the engine publishes.</summary>
    public string ClientHost { get; }

    /// <summary>Resolves the endpoint: the option, else <c>DOCKER_HOST</c> / Docker context, else the local socket.</summary>
    public static DockerEndpoint Resolve(Uri? configured)
    {
        if (configured is not null)
        {
            return new DockerEndpoint(configured, "options");
        }

        var fromEnvironment = System.Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return new DockerEndpoint(new Uri(fromEnvironment), "DOCKER_HOST");
        }

        using var client = new DockerClientBuilder().Build();
        return new DockerEndpoint(client.Options.Endpoint, "docker context or default socket");
    }

    /// <summary>Creates a Docker client for this endpoint.</summary>
    public IDockerClient CreateClient(TimeSpan timeout) =>
        new DockerClientBuilder().WithEndpoint(Uri).WithTimeout(timeout).Build();

    /// <inheritdoc />
    public override string ToString() => $"{Uri} (from {Source})";

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
