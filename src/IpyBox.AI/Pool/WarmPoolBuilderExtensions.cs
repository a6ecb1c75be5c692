using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpyBox.AI;

/// <summary>Puts a warm pool of ready sandboxes under the session manager that <c>AddIpyBox</c> registers.</summary>
public static class WarmPoolBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="PoolingSandboxProvider"/> to the sandbox provider's decorators
    /// (<see cref="IpyBoxBuilder.UseSandboxProvider(Func{ISandboxProvider, IServiceProvider, ISandboxProvider})"/>), around the
    /// backend and the decorators added before it, so new conversations get a ready sandbox. Calling it again adds no second
    /// pool, only the configuration. The pool is a singleton, also resolvable as <see cref="PoolingSandboxProvider"/> (for
    /// <see cref="PoolingSandboxProvider.GetStatistics"/> or <see cref="PoolingSandboxProvider.FillAsync"/>); it starts filling
    /// when it is first resolved (with the session manager, the health check or <c>PrepareImageOnStart</c>, or earlier if the
    /// application resolves it at start-up), and disposing the service provider removes its ready sandboxes after the session
    /// manager has removed the conversations' sandboxes.
    /// </summary>
    /// <param name="builder">The builder from <c>AddIpyBox</c>.</param>
    /// <param name="configure">Configures the pool; may be called once per <c>UseWarmPool</c> call. Options are validated when the pool is first resolved.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">
    /// The <see cref="ISandboxProvider"/> registration of <c>AddIpyBox</c> was removed, or another one was registered after it.
    /// </exception>
    public static IpyBoxBuilder UseWarmPool(this IpyBoxBuilder builder, Action<WarmPoolOptions>? configure = null)
    {
        Throw.IfNull(builder);
        var services = builder.Services;
        services.AddOptions<WarmPoolOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WarmPoolOptions>, WarmPoolOptionsValidator>());
        builder.UseResolvableSandboxProvider(
            (inner, sp) => new PoolingSandboxProvider(inner, sp.GetRequiredService<IOptions<WarmPoolOptions>>().Value, sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()),
            nameof(UseWarmPool));
        return builder;
    }

    /// <summary>Validates <see cref="WarmPoolOptions"/> when the pool is first resolved.</summary>
    private sealed class WarmPoolOptionsValidator : IValidateOptions<WarmPoolOptions>
    {
        public ValidateOptionsResult Validate(string? name, WarmPoolOptions options) =>
            WarmPoolOptions.FirstError(options) is { } error ? ValidateOptionsResult.Fail(error) : ValidateOptionsResult.Success;
    }
}
