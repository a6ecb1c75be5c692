using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace IpyBox.AI;

/// <summary>
/// The Python sandbox tools for a language model: execute code, install packages, move files between allowed host
/// directories and the sandbox, list files, reset the kernel. One implementation serves Semantic Kernel
/// (<see cref="AsKernelPlugin"/>, or <c>kernel.Plugins.AddFromObject</c>) and Microsoft.Extensions.AI (<see cref="AsAIFunctions"/>).
/// </summary>
/// <remarks>
/// Each call runs in the sandbox of one conversation, found through <see cref="ConversationKey"/> when the plugin is
/// bound to a key, else through <see cref="IpyBoxConversation"/>. Failures come back as readable tool results, never as
/// exceptions that end the conversation; only cancellation propagates.
/// </remarks>
public sealed class IpyBoxPlugin
{
    private const string ExecuteName = "execute_python";
    private const string InstallName = "install_packages";
    private const string UploadName = "upload_file";
    private const string DownloadName = "download_file";
    private const string ListName = "list_files";
    private const string ResetName = "reset_kernel";

    private readonly ILogger _logger;
    private readonly HostPathPolicy _hostPaths;

    /// <summary>Initializes a new instance of the <see cref="IpyBoxPlugin"/> class.</summary>
    /// <param name="sessions">The sandboxes of the conversations.</param>
    /// <param name="conversationKey">The conversation this plugin is bound to, or <see langword="null"/> to find it per call.</param>
    public IpyBoxPlugin(SandboxSessionManager sessions, string? conversationKey = null)
    {
        Sessions = Throw.IfNull(sessions);
        if (conversationKey is not null)
        {
            Throw.IfNullOrWhiteSpace(conversationKey);
        }

        ConversationKey = conversationKey;
        _logger = sessions.LoggerFactory.CreateLogger<IpyBoxPlugin>();
        _hostPaths = new HostPathPolicy(sessions.Options.AllowedHostDirectories);
    }

    /// <summary>Gets the sandboxes of the conversations.</summary>
    public SandboxSessionManager Sessions { get; }

    /// <summary>Gets the conversation this plugin is bound to, or <see langword="null"/> when it is found per call.</summary>
    public string? ConversationKey { get; }

    private IpyBoxOptions Options => Sessions.Options;

    /// <summary>Executes Python code in the conversation's sandbox.</summary>
    /// <param name="code">The code.</param>
    /// <param name="timeoutSeconds">The time limit in seconds; <see langword="null"/> for <see cref="ExecutionClientOptions.DefaultTimeout"/> of <see cref="IpyBoxOptions.Client"/>.</param>
    /// <param name="kernel">The Semantic Kernel, when invoked through one (its data may carry the conversation key).</param>
    /// <param name="cancellationToken">Cancels the execution; the kernel is interrupted.</param>
    /// <returns>The output text (truncated when long) followed by the images as <see cref="DataContent"/>; or a readable error.</returns>
    [KernelFunction(ExecuteName)]
    [Description("""
        Executes Python code in a stateful IPython kernel inside a sandbox container and returns its output.
        Variables, imports and functions persist between calls in this conversation, so build on earlier results.
        The working directory is /app. numpy, pandas and matplotlib are available; call plt.show() to return a plot as an image.
        Use print() for values you need to see; only the value of the last expression is shown otherwise.
        Long output is truncated in the middle. Errors come back as the exception and the end of the traceback.
        """)]
    public Task<IList<AIContent>> ExecutePythonAsync(
        [Description("The Python code to run. It may span many lines and use IPython magics such as %timeit.")] string code,
        [Description("Optional time limit in seconds. On expiry the code is interrupted but the kernel state is kept.")] int? timeoutSeconds = null,
        Kernel? kernel = null,
        CancellationToken cancellationToken = default)
    {
        var timeout = timeoutSeconds is > 0
            ? TimeSpan.FromSeconds(Math.Min(timeoutSeconds.Value, Options.MaxExecutionTimeout == Timeout.InfiniteTimeSpan ? int.MaxValue : Options.MaxExecutionTimeout.TotalSeconds))
            : Options.Client.DefaultTimeout;
        return InvokeAsync<IList<AIContent>>(
            ExecuteName,
            kernel,
            async (session, ct) =>
            {
                try
                {
                    var result = await session.ExecuteAsync(Throw.IfNull(code), timeout, ct).ConfigureAwait(false);
                    return ToolOutput.FromResult(result, Options);
                }
                catch (ExecutionException ex)
                {
                    return ToolOutput.FromError(ex, Options);
                }
                catch (TimeoutException)
                {
                    return [new Microsoft.Extensions.AI.TextContent(ToolOutput.FromTimeout(timeout))];
                }
                catch (KernelDiedException ex)
                {
                    return [new Microsoft.Extensions.AI.TextContent(
                        $"Error: the Python kernel died while running the code (out of memory, a crash or os._exit). {ex.Message} " +
                        "Files in /app are kept. Use less memory, then define what you need again; call reset_kernel if the next call fails too.")];
                }
            },
            text => [new Microsoft.Extensions.AI.TextContent(text)],
            cancellationToken);
    }

    /// <summary>Installs Python packages with pip into the kernel's environment of the conversation's sandbox.</summary>
    /// <param name="packages">Package requirements separated by spaces or commas.</param>
    /// <param name="kernel">The Semantic Kernel, when invoked through one.</param>
    /// <param name="cancellationToken">Cancels the installation.</param>
    /// <returns>What pip reported, or a readable error.</returns>
    [KernelFunction(InstallName)]
    [Description("""
        Installs Python packages with pip into the sandbox's kernel environment; they can be imported right after.
        Give requirement specifiers such as "requests", "pandas==2.2.2" or "scikit-learn>=1.4", or paths of wheel files inside the sandbox.
        Install only what the task needs; packages stay installed for the rest of this conversation.
        """)]
    public Task<string> InstallPackagesAsync(
        [Description("The packages to install, separated by spaces or commas, e.g. \"requests beautifulsoup4\".")] string packages,
        Kernel? kernel = null,
        CancellationToken cancellationToken = default)
    {
        var requirements = (packages ?? string.Empty).Split([' ', ',', '\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (requirements.Length == 0)
        {
            return Task.FromResult("Error: no package was given. Pass requirement specifiers such as \"requests\" or \"numpy==1.26.4\".");
        }

        if (requirements.FirstOrDefault(r => r.StartsWith('-')) is { } option)
        {
            return Task.FromResult($"Error: '{option}' is a pip option; only package requirements or wheel paths are accepted.");
        }

        var code = $$"""
            def __ipybox_pip(requirements):
                import importlib, subprocess, sys
                done = subprocess.run([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--progress-bar", "off", *requirements], capture_output=True, text=True)
                print(done.stdout[-8000:].strip())
                if done.returncode != 0:
                    print(done.stderr[-8000:].strip())
                    raise RuntimeError(f"pip install exited with code {done.returncode}")
                importlib.invalidate_caches()
            try:
                __ipybox_pip({{JsonSerializer.Serialize(requirements)}})
            finally:
                del __ipybox_pip
            """;
        return InvokeAsync(
            InstallName,
            kernel,
            async (session, ct) =>
            {
                try
                {
                    var result = await session.ExecuteAsync(code, Options.PackageInstallTimeout, ct).ConfigureAwait(false);
                    return ToolOutput.Truncate($"Installed {string.Join(' ', requirements)}.\n{result.Text}", Options.MaxOutputCharacters);
                }
                catch (ExecutionException ex)
                {
                    return ToolOutput.Truncate(
                        $"Error: installing {string.Join(' ', requirements)} failed ({ex.ErrorValue}).\n{ex.Result?.Text}\nCheck the names and versions; the sandbox may have no access to a package index.",
                        Options.MaxOutputCharacters);
                }
                catch (TimeoutException)
                {
                    return ToolOutput.FromTimeout(Options.PackageInstallTimeout);
                }
            },
            text => text,
            cancellationToken);
    }

    /// <summary>Lists a directory of the conversation's sandbox.</summary>
    /// <param name="path">The directory, relative to <c>/app</c>; empty for <c>/app</c> itself.</param>
    /// <param name="kernel">The Semantic Kernel, when invoked through one.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>One line per entry (name, kind, size), or a readable error.</returns>
    [KernelFunction(ListName)]
    [Description("Lists the files and directories in a directory of the sandbox. Paths are relative to /app, the kernel's working directory.")]
    public Task<string> ListFilesAsync(
        [Description("The directory relative to /app, e.g. \"data\"; empty for /app itself.")] string path = "",
        Kernel? kernel = null,
        CancellationToken cancellationToken = default)
    {
        string relative;
        try
        {
            relative = AppPath.Normalize(path ?? string.Empty);
        }
        catch (ArgumentException ex)
        {
            return Task.FromResult($"Error: {ex.Message}");
        }

        return InvokeAsync(
            ListName,
            kernel,
            async (session, ct) =>
            {
                var entries = await session.RunAsync((sandbox, c) => sandbox.Files.ListAsync(relative, c), ct).ConfigureAwait(false);
                var text = new System.Text.StringBuilder($"Contents of {AppPath.ToAbsolute(relative)}:");
                foreach (var entry in entries)
                {
                    text.Append('\n').Append(entry.Kind switch
                    {
                        RemoteFileKind.Directory => $"{entry.Name}/  (directory)",
                        RemoteFileKind.File => string.Create(CultureInfo.InvariantCulture, $"{entry.Name}  ({entry.Size} bytes)"),
                        RemoteFileKind.SymbolicLink => $"{entry.Name}  (symbolic link)",
                        _ => $"{entry.Name}  (special file)",
                    });
                }

                if (entries.Count == 0)
                {
                    text.Append("\n(empty directory)");
                }

                return ToolOutput.Truncate(text.ToString(), Options.MaxOutputCharacters);
            },
            text => text,
            cancellationToken);
    }

    /// <summary>Copies a file or directory from an allowed host directory into the conversation's sandbox.</summary>
    /// <param name="hostPath">The file or directory on the host; it must lie inside <see cref="IpyBoxOptions.AllowedHostDirectories"/>.</param>
    /// <param name="sandboxPath">The target, relative to <c>/app</c>.</param>
    /// <param name="kernel">The Semantic Kernel, when invoked through one.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>A confirmation, or a readable error.</returns>
    [KernelFunction(UploadName)]
    [Description("Copies a file (or a directory) from the user's machine into the sandbox so Python code can read it. Only paths inside the directories the application allows can be read.")]
    public Task<string> UploadFileAsync(
        [Description("The absolute path of the file or directory on the user's machine.")] string hostPath,
        [Description("Where to put it in the sandbox, relative to /app, e.g. \"data/input.csv\".")] string sandboxPath,
        Kernel? kernel = null,
        CancellationToken cancellationToken = default)
    {
        string source;
        string target;
        try
        {
            source = Authorize(hostPath);
            target = AppPath.Normalize(sandboxPath ?? string.Empty);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or ArgumentException)
        {
            return Task.FromResult($"Error: {ex.Message}");
        }

        return InvokeAsync(
            UploadName,
            kernel,
            async (session, ct) =>
            {
                if (Directory.Exists(source))
                {
                    await session.RunAsync(async (sandbox, c) => { await sandbox.Files.UploadDirectoryAsync(source, target, c).ConfigureAwait(false); return true; }, ct).ConfigureAwait(false);
                    return $"Uploaded the directory {hostPath} to {AppPath.ToAbsolute(target)}.";
                }

                await session.RunAsync(async (sandbox, c) => { await sandbox.Files.UploadFileAsync(source, target, c).ConfigureAwait(false); return true; }, ct).ConfigureAwait(false);
                return string.Create(CultureInfo.InvariantCulture, $"Uploaded {hostPath} ({new FileInfo(source).Length} bytes) to {AppPath.ToAbsolute(target)}.");
            },
            text => text,
            cancellationToken);
    }

    /// <summary>Copies a file from the conversation's sandbox to an allowed host directory.</summary>
    /// <param name="sandboxPath">The file in the sandbox, relative to <c>/app</c>.</param>
    /// <param name="hostPath">The target file on the host; it must lie inside <see cref="IpyBoxOptions.AllowedHostDirectories"/>.</param>
    /// <param name="kernel">The Semantic Kernel, when invoked through one.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>A confirmation, or a readable error.</returns>
    [KernelFunction(DownloadName)]
    [Description("Copies a file from the sandbox to the user's machine, e.g. a chart or a result table the code wrote. Only paths inside the directories the application allows can be written; an existing file is replaced.")]
    public Task<string> DownloadFileAsync(
        [Description("The file in the sandbox, relative to /app, e.g. \"output/report.csv\".")] string sandboxPath,
        [Description("The absolute path on the user's machine to write the file to.")] string hostPath,
        Kernel? kernel = null,
        CancellationToken cancellationToken = default)
    {
        string source;
        string target;
        try
        {
            source = AppPath.Normalize(sandboxPath ?? string.Empty);
            target = Authorize(hostPath);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or ArgumentException)
        {
            return Task.FromResult($"Error: {ex.Message}");
        }

        return InvokeAsync(
            DownloadName,
            kernel,
            async (session, ct) =>
            {
                await session.RunAsync(async (sandbox, c) => { await sandbox.Files.DownloadFileAsync(source, target, c).ConfigureAwait(false); return true; }, ct).ConfigureAwait(false);
                return string.Create(CultureInfo.InvariantCulture, $"Downloaded {AppPath.ToAbsolute(source)} to {hostPath} ({new FileInfo(target).Length} bytes).");
            },
            text => text,
            cancellationToken);
    }

    /// <summary>Replaces the conversation's kernel with a fresh one.</summary>
    /// <param name="kernel">The Semantic Kernel, when invoked through one.</param>
    /// <param name="cancellationToken">Cancels the reset.</param>
    /// <returns>A confirmation, or a readable error.</returns>
    [KernelFunction(ResetName)]
    [Description("Restarts the Python kernel of this conversation: all variables, imports and definitions are cleared; files in /app and installed packages are kept. Use it when the state is broken or memory is exhausted.")]
    public Task<string> ResetKernelAsync(Kernel? kernel = null, CancellationToken cancellationToken = default) =>
        InvokeAsync(
            ResetName,
            kernel,
            async (session, ct) =>
            {
                await session.ResetAsync(ct).ConfigureAwait(false);
                return "The kernel was restarted: variables, imports and definitions are gone; files in /app and installed packages are kept.";
            },
            text => text,
            cancellationToken);

    /// <summary>Creates the tools as Microsoft.Extensions.AI functions; <see cref="DataContent"/> images pass through unserialised.</summary>
    /// <returns>
    /// The functions. The file-transfer functions are included only when <see cref="IpyBoxOptions.AllowedHostDirectories"/>
    /// is set; code execution and package installation require approval when <see cref="IpyBoxOptions.RequireApproval"/> is set.
    /// </returns>
    public IList<AIFunction> AsAIFunctions()
    {
        var functions = new List<AIFunction>();
        foreach (var (method, name) in ToolMethods())
        {
            var function = AIFunctionFactory.Create(method, this, new AIFunctionFactoryOptions
            {
                Name = name,
                ConfigureParameterBinding = parameter => parameter.ParameterType == typeof(Kernel)
                    ? new AIFunctionFactoryOptions.ParameterBindingOptions { BindParameter = (_, _) => null, ExcludeFromSchema = true }
                    : default,
            });
#pragma warning disable MEAI001 // Tool approval is experimental in Microsoft.Extensions.AI.
            functions.Add(Options.RequireApproval && name is ExecuteName or InstallName ? new ApprovalRequiredAIFunction(function) : function);
#pragma warning restore MEAI001
        }

        return functions;
    }

    /// <summary>Creates the tools as a Semantic Kernel plugin.</summary>
    /// <param name="pluginName">The plugin name; models see it as a prefix of the function names.</param>
    /// <returns>The plugin. The file-transfer functions are included only when <see cref="IpyBoxOptions.AllowedHostDirectories"/> is set.</returns>
    public KernelPlugin AsKernelPlugin(string pluginName = "python")
    {
        Throw.IfNullOrWhiteSpace(pluginName);
        var functions = ToolMethods().Select(t => KernelFunctionFactory.CreateFromMethod(t.Method, this, t.Name)).ToList();
        return KernelPluginFactory.CreateFromFunctions(pluginName, "Runs Python code in a sandbox container.", functions);
    }

    private IEnumerable<(MethodInfo Method, string Name)> ToolMethods()
    {
        foreach (var method in typeof(IpyBoxPlugin).GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<KernelFunctionAttribute>() is not { Name: { } name })
            {
                continue;
            }

            if (name is UploadName or DownloadName && _hostPaths.IsEmpty)
            {
                continue;
            }

            yield return (method, name);
        }
    }

    private string Authorize(string hostPath)
    {
        try
        {
            return _hostPaths.Authorize(hostPath);
        }
        catch (UnauthorizedAccessException ex)
        {
            Log.HostPathRefused(_logger, hostPath);
            throw new UnauthorizedAccessException($"Access denied: {ex.Message}", ex);
        }
    }

    private string? ResolveConversationKey(Kernel? kernel)
    {
        if (ConversationKey is not null)
        {
            return ConversationKey;
        }

        if (IpyBoxConversation.Current is { } ambient)
        {
            return ambient;
        }

        if (FunctionInvokingChatClient.CurrentContext?.Options?.AdditionalProperties is { } properties
            && properties.TryGetValue(IpyBoxConversation.PropertyName, out var fromOptions)
            && Convert.ToString(fromOptions, CultureInfo.InvariantCulture) is { Length: > 0 } optionsKey)
        {
            return optionsKey;
        }

        if (kernel is not null
            && kernel.Data.TryGetValue(IpyBoxConversation.PropertyName, out var fromKernel)
            && Convert.ToString(fromKernel, CultureInfo.InvariantCulture) is { Length: > 0 } kernelKey)
        {
            return kernelKey;
        }

        return Options.DefaultConversationKey;
    }

    private async Task<T> InvokeAsync<T>(
        string tool,
        Kernel? kernel,
        Func<SandboxSession, CancellationToken, Task<T>> action,
        Func<string, T> fromText,
        CancellationToken cancellationToken)
    {
        var key = ResolveConversationKey(kernel);
        if (key is null)
        {
            return fromText(
                "Error: this tool call belongs to no conversation. The application must bind the tools to a conversation key " +
                "(SandboxSessionManager.CreatePlugin(key)), set IpyBoxConversation.Begin(key), or configure IpyBoxOptions.DefaultConversationKey.");
        }

        Log.ToolInvoked(_logger, tool, key);
        SandboxSession session;
        try
        {
            session = await Sessions.GetOrCreateAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (SessionLimitException ex)
        {
            Log.ToolFailed(_logger, tool, key, ex);
            return fromText($"Error: {ex.Message}");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            Log.ToolFailed(_logger, tool, key, ex);
            return fromText(ToolOutput.FromFailure("starting the sandbox", ex));
        }

        try
        {
            return await action(session, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SandboxUnavailableException || (ex is ObjectDisposedException && session.IsDisposed))
        {
            Log.ToolFailed(_logger, tool, key, ex);
            await Sessions.DiscardAsync(session, "the sandbox was lost").ConfigureAwait(false);
            return fromText(ToolOutput.FromLostSandbox(ex));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // Anything else (engine or file errors, an unexpected reply) still reaches the model as text.
            Log.ToolFailed(_logger, tool, key, ex);
            return fromText(ToolOutput.FromFailure(tool.Replace('_', ' '), ex));
        }
    }
}
