namespace IpyBox.AI.Cli.Serve;

/// <summary>A request the service refuses (an unknown id, a quota, an invalid argument); its message is the tool's error text.</summary>
internal sealed class ServeRefusedException(string message) : Exception(message);
