using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI.Cli.Serve;

/// <summary>
/// The service's drain on SIGTERM or Ctrl+C: from the moment the host stops, new MCP requests get <c>503</c>; running cells may
/// finish within <see cref="ServeOptions.ShutdownTimeout"/>, after which <see cref="GraceOver"/> interrupts the rest, whose
/// callers get an error result that says the service is stopping. The sandboxes then stay on the engine for their leases.
/// </summary>
internal sealed class ServeShutdown : IDisposable
{
    private readonly CancellationTokenSource _graceOver = new();
    private readonly CancellationTokenRegistration _registration;
    private readonly IHostApplicationLifetime _lifetime;

    /// <summary>Initializes a new instance of the <see cref="ServeShutdown"/> class.</summary>
    /// <param name="lifetime">The host's lifetime, whose stopping starts the drain.</param>
    /// <param name="options">The service's settings (the grace period).</param>
    /// <param name="logger">The log the drain is reported to.</param>
    public ServeShutdown(IHostApplicationLifetime lifetime, ServeOptions options, ILogger<ServeShutdown> logger)
    {
        _lifetime = lifetime;
        GracePeriod = options.ShutdownTimeout;
        _registration = lifetime.ApplicationStopping.Register(() =>
        {
            ServeLog.Draining(logger, GracePeriod.TotalSeconds);
            _graceOver.CancelAfter(GracePeriod);
        });
    }

    /// <summary>Gets how long running cells may take to finish once the service stops.</summary>
    public TimeSpan GracePeriod { get; }

    /// <summary>Gets a value indicating whether the service is stopping (and takes no new call).</summary>
    public bool IsStopping => _lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>Gets a token cancelled when the grace period after the stop has passed: what still runs is interrupted.</summary>
    public CancellationToken GraceOver => _graceOver.Token;

    /// <summary>The error text of a cell interrupted because the service stopped.</summary>
    public string InterruptedMessage(string what) => string.Format(CultureInfo.InvariantCulture,
        "Error: the service is stopping: the {0} was still running {1:0.###} seconds after the stop began and was interrupted (KeyboardInterrupt). " +
        "The sandbox and its kernel state (variables, imports) are kept; call again once the service is back, or on another replica, with the same sandbox_id.",
        what,
        GracePeriod.TotalSeconds);

    /// <summary>Answers MCP requests with <c>503</c> once the service is stopping; other requests (the health probe) pass.</summary>
    public async Task RefuseWhileStoppingAsync(HttpContext context, RequestDelegate next)
    {
        if (IsStopping && context.Request.Path.StartsWithSegments("/mcp", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            context.Response.Headers.Connection = "close";
            await context.Response.WriteAsync("The service is stopping and takes no new calls; retry on another replica or once it is back.\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _registration.Dispose();
        _graceOver.Dispose();
    }
}
