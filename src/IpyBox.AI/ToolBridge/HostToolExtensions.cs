using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpyBox.AI;

/// <summary>Registers host tools in a sandbox, so code in its kernel can call them (the tool bridge).</summary>
public static partial class HostToolExtensions
{
    internal const string BridgeResource = "IpyBox.AI.ToolBridge._bridge.py";
    internal const string DiscoveryResource = "IpyBox.AI.ToolBridge._discovery.py";

    /// <summary>
    /// Returns a sandbox with a tool bridge, on which <see cref="AddHostToolsAsync"/> registers tools. The bridge and its
    /// registrations belong to the returned sandbox alone: wrapping the same sandbox twice gives two bridges that share
    /// nothing. Disposing the returned sandbox stops serving calls and disposes <paramref name="sandbox"/>. The sandboxes of a
    /// <see cref="SandboxSessionManager"/> have a bridge already.
    /// </summary>
    /// <param name="sandbox">The sandbox whose code will call host tools.</param>
    /// <param name="loggerFactory">Logs calls, rejections and tool failures, and the connections of MCP servers registered on the sandbox; <see langword="null"/> for no logging.</param>
    /// <param name="timeProvider">The clock of the bridge's waits; <see langword="null"/> for the system clock.</param>
    /// <returns>The sandbox with a tool bridge; <paramref name="sandbox"/> itself when it has one already.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sandbox"/> is <see langword="null"/>.</exception>
    public static ISandbox WithToolBridge(this ISandbox sandbox, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        Throw.IfNull(sandbox);
        return sandbox.GetService<ToolBridgeHost>() is null
            ? new ToolBridgeSandbox(sandbox, timeProvider ?? TimeProvider.System, loggerFactory ?? NullLoggerFactory.Instance)
            : sandbox;
    }

    /// <summary>
    /// Generates the Python package of <paramref name="set"/> into the sandbox (<c>/app/mcptools/&lt;name&gt;/</c>) and serves
    /// its calls: code in the kernel imports the package and calls its functions; each call travels over the kernel's own
    /// stdin channel to the host, is put to the approval handler as <paramref name="options"/> say, and runs the tool here.
    /// No port is opened, so it works with the network disabled and behind the firewall, and only this sandbox can call.
    /// </summary>
    /// <param name="sandbox">A sandbox with a tool bridge (see <see cref="WithToolBridge"/>).</param>
    /// <param name="set">The tools.</param>
    /// <param name="options">Approval and limits; <see langword="null"/> for the defaults (every call needs approval, so without a handler calls are rejected).</param>
    /// <param name="cancellationToken">Cancels writing the package.</param>
    /// <returns>The registration: the generated names and source; dispose it to stop serving the set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sandbox"/> or <paramref name="set"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidOperationException">The sandbox has no tool bridge, or a set whose name gives the same package name is registered on it.</exception>
    /// <exception cref="ObjectDisposedException">The sandbox was disposed.</exception>
    public static async Task<HostToolRegistration> AddHostToolsAsync(
        this ISandbox sandbox, HostToolSet set, ToolBridgeOptions? options = null, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(sandbox);
        Throw.IfNull(set);
        var host = GetToolBridge(sandbox);
        options ??= new ToolBridgeOptions();
        options.Validate();

        var package = ToolPackageGenerator.Generate(set, PythonIdentifier.Sanitize(set.Name, "tools"));
        var registered = new ToolBridgeSet(set, package, options);
        host.Register(registered);
        var registration = new HostToolRegistration(host, registered);
        try
        {
            await WritePackageAsync(sandbox, package, cancellationToken).ConfigureAwait(false);
            return registration;
        }
        catch
        {
            registration.Dispose();
            throw;
        }
    }

    /// <summary>Gets the tool sets registered on <paramref name="sandbox"/> and not yet disposed, in registration order.</summary>
    /// <param name="sandbox">The sandbox.</param>
    /// <returns>The registrations' sets with their generated modules and functions; none when the sandbox has no tool bridge.</returns>
    public static IReadOnlyList<HostToolModule> GetHostToolModules(this ISandbox sandbox) =>
        [.. (Throw.IfNull(sandbox).GetService<ToolBridgeHost>()?.Sets ?? []).Select(set => new HostToolModule(set.Set.Name, set.Package.Module, set.Set.Description, set.Package.Functions, set.Package.Source))];

    /// <summary>
    /// Returns the source of a module on the kernel's path, e.g. <c>mcptools.weather</c> or <c>json</c>, read in the kernel
    /// with <c>inspect.getsource</c> (the module is imported there).
    /// </summary>
    /// <param name="sandbox">The sandbox.</param>
    /// <param name="moduleName">A dotted module name.</param>
    /// <param name="cancellationToken">Cancels the execution.</param>
    /// <returns>The module's source.</returns>
    /// <exception cref="ArgumentException"><paramref name="moduleName"/> is not a dotted module name.</exception>
    /// <exception cref="ExecutionException">The kernel could not import the module or has no source for it (a builtin or compiled module).</exception>
    public static async Task<string> GetModuleSourceAsync(this ISandbox sandbox, string moduleName, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(sandbox);
        if (moduleName is null || !ModuleName().IsMatch(moduleName))
        {
            throw new ArgumentException("A module name is one or more Python identifiers joined by dots, e.g. 'mcptools.weather'.", nameof(moduleName));
        }

        // One expression, so the kernel's namespace is left as it was.
        var code = $"print(__import__(\"inspect\").getsource(__import__(\"importlib\").import_module({PythonLiteral.String(moduleName)})), end=\"\")";
        var result = await sandbox.ExecuteAsync(code, cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.Text ?? string.Empty;
    }

    /// <summary>Gets the sandbox's tool bridge.</summary>
    /// <exception cref="InvalidOperationException">The sandbox has none; the message says how to add one.</exception>
    internal static ToolBridgeHost GetToolBridge(ISandbox sandbox) =>
        sandbox.GetService<ToolBridgeHost>() ?? throw new InvalidOperationException(
            $"The sandbox {sandbox.Id} has no tool bridge, so host tools cannot be registered on it. Wrap it first " +
            "(sandbox = sandbox.WithToolBridge()) and register on the returned sandbox, or take it from a session manager, " +
            "whose sandboxes have one.");

    private static async Task WritePackageAsync(ISandbox sandbox, ToolPackage package, CancellationToken cancellationToken)
    {
        var staging = Directory.CreateTempSubdirectory("ipybox-tools-");
        try
        {
            var root = Path.Combine(staging.FullName, ToolPackage.Root);
            var directory = Directory.CreateDirectory(Path.Combine(root, package.PackageName));
            await File.WriteAllTextAsync(Path.Combine(root, "__init__.py"), ReadResource(DiscoveryResource), cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(root, "_bridge.py"), ReadResource(BridgeResource), cancellationToken).ConfigureAwait(false);
            foreach (var (fileName, source) in package.Files)
            {
                await File.WriteAllTextAsync(Path.Combine(directory.FullName, fileName), source, cancellationToken).ConfigureAwait(false);
            }

            await sandbox.Files.UploadDirectoryAsync(root, ToolPackage.Root, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }

    internal static string ReadResource(string name)
    {
        using var stream = typeof(HostToolExtensions).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The resource {name} is missing from the library.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex ModuleName();
}
