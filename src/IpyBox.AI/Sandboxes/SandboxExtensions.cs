namespace IpyBox.AI;

/// <summary>Conveniences over <see cref="ISandbox"/> and <see cref="ISandboxProvider"/>.</summary>
public static class SandboxExtensions
{
    /// <summary>Executes code and waits for its result.</summary>
    /// <param name="sandbox">The sandbox.</param>
    /// <param name="code">The Python code.</param>
    /// <param name="timeout">The time limit; <see langword="null"/> for the backend's default. On expiry the kernel is interrupted (state is kept).</param>
    /// <param name="cancellationToken">Cancels the execution; the kernel is interrupted.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ExecutionException">The code raised a Python exception.</exception>
    /// <exception cref="TimeoutException">The execution timed out.</exception>
    /// <exception cref="SandboxUnavailableException">The kernel can no longer be reached.</exception>
    /// <exception cref="KernelDiedException">The kernel process died; its state is lost.</exception>
    public static async Task<ExecutionResult> ExecuteAsync(this ISandbox sandbox, string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(sandbox);
        var execution = await sandbox.SubmitAsync(code, timeout, cancellationToken).ConfigureAwait(false);
        return await execution.GetResultAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks the sandbox for an object of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type of object requested.</typeparam>
    /// <param name="sandbox">The sandbox.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The object, or <see langword="null"/>.</returns>
    public static T? GetService<T>(this ISandbox sandbox, object? serviceKey = null)
        where T : class => Throw.IfNull(sandbox).GetService(typeof(T), serviceKey) as T;

    /// <summary>Asks the provider for an object of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type of object requested.</typeparam>
    /// <param name="provider">The provider.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The object, or <see langword="null"/>.</returns>
    public static T? GetService<T>(this ISandboxProvider provider, object? serviceKey = null)
        where T : class => Throw.IfNull(provider).GetService(typeof(T), serviceKey) as T;
}
