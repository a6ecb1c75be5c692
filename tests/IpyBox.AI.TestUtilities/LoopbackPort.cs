using System.Net;
using System.Net.Sockets;

namespace IpyBox.AI.TestUtilities;

/// <summary>Free TCP ports on 127.0.0.1 for the servers tests start.</summary>
public static class LoopbackPort
{
    /// <summary>Returns a port nothing listens on at this moment (the system's pick for a listener it then closes).</summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
