using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>
/// A sandbox with a tool bridge: it owns the <see cref="ToolBridgeHost"/> that serves the host tools registered on it and
/// hands it out through <see cref="GetService"/>; everything else passes through. Disposing it stops serving calls, then
/// disposes the inner sandbox.
/// </summary>
internal sealed class ToolBridgeSandbox : DelegatingSandbox
{
    private readonly ToolBridgeHost _host;

    public ToolBridgeSandbox(ISandbox inner, TimeProvider timeProvider, ILoggerFactory loggerFactory)
        : base(inner)
    {
        _host = new ToolBridgeHost(this, timeProvider, loggerFactory);
    }

    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        Throw.IfNull(serviceType);
        return serviceKey is null && serviceType == typeof(ToolBridgeHost) ? _host : base.GetService(serviceType, serviceKey);
    }

    protected override ValueTask DisposeAsyncCore()
    {
        _host.Stop();
        return base.DisposeAsyncCore();
    }
}
