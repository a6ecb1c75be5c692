namespace IpyBox.AI.Tests;

public sealed class DockerEndpointTests
{
    [Fact]
    public void A_tcp_endpoint_on_another_host_is_remote_and_clients_connect_to_that_host()
    {
        var endpoint = DockerEndpoint.Resolve(new Uri("tcp://10.11.12.13:2375"));
        Assert.True(endpoint.IsRemote);
        Assert.Equal("10.11.12.13", endpoint.ClientHost);
        Assert.Contains("options", endpoint.ToString());
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:2375")]
    [InlineData("tcp://localhost:2375")]
    public void A_loopback_tcp_endpoint_is_local(string uri)
    {
        var endpoint = DockerEndpoint.Resolve(new Uri(uri));
        Assert.False(endpoint.IsRemote);
        Assert.Equal(new Uri(uri).Host, endpoint.ClientHost);
    }

    [Fact]
    public void A_unix_socket_is_local_and_ports_are_reached_on_loopback()
    {
        var endpoint = DockerEndpoint.Resolve(new Uri("unix:///var/run/docker.sock"));
        Assert.False(endpoint.IsRemote);
        Assert.Equal("127.0.0.1", endpoint.ClientHost);
    }
}
