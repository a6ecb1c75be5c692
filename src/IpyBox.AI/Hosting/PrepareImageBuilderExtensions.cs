using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>Prepares the sandboxes' engine and image when the application starts.</summary>
public static class PrepareImageBuilderExtensions
{
    /// <summary>
    /// Adds a hosted service that, when the host starts, checks that the container engine answers and builds the runtime
    /// image (or pulls <see cref="ExecutionContainerOptions.Image"/>) when it is missing, logging each step and every line of
    /// the build or pull at Information level. Without it the first tool call does this work, and may wait minutes. The engine
    /// and image are those of the <see cref="DockerSandboxProvider"/> in the registered <see cref="ISandboxProvider"/> (found
    /// through <c>GetService</c>, under any decorators; resolving the provider also starts a warm pool's filling); with a
    /// provider that has none (a Jupyter server, say) there is nothing to prepare, and that is logged once.
    /// </summary>
    /// <param name="builder">The builder from <c>AddIpyBox</c>.</param>
    /// <param name="waitUntilReady">
    /// <see langword="true"/> to hold the host's start until the image is ready and to fail the start when the engine or image
    /// is unavailable; <see langword="false"/> (the default) to prepare in the background and log a failure, leaving the
    /// first tool call to report it to the model.
    /// </param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IpyBoxBuilder PrepareImageOnStart(this IpyBoxBuilder builder, bool waitUntilReady = false)
    {
        Throw.IfNull(builder);
        builder.Services.AddSingleton<IHostedService>(sp => new IpyBoxImagePreparation(
            sp.GetRequiredService<ISandboxProvider>,
            waitUntilReady,
            sp.GetService<ILogger<IpyBoxImagePreparation>>()));
        return builder;
    }
}
