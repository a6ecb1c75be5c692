using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>
/// The sandbox tool actions, implemented once for every tool surface: execute code, install packages, move files between
/// allowed host directories and the sandbox, list files, reset the kernel. Each action runs in the sandbox of one
/// conversation and returns a <see cref="SandboxToolResult"/> that a surface maps to its own types
/// (<see cref="IpyBoxPlugin"/> for Semantic Kernel and Microsoft.Extensions.AI; the <c>ipybox mcp</c> server for MCP).
/// </summary>
/// <remarks>
/// Output is fitted to <see cref="IpyBoxOptions.MaxOutputCharacters"/>; failures (a Python exception, a timeout, a dead
/// kernel, a refused path, the session cap, a lost sandbox) come back as readable error results, never as exceptions.
/// A lost sandbox is discarded so that the conversation's next call gets a new one. Only cancellation by the caller's
/// token propagates.
/// </remarks>
public sealed partial class SandboxTools
{
    /// <summary>The longest limit a timer can count; a longer one means no limit.</summary>
    private static readonly TimeSpan s_longestTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="SandboxTools"/> class.</summary>
    /// <param name="sessions">The sandboxes of the conversations; its <see cref="SandboxSessionManager.Options"/> decide limits and allowed host directories.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sessions"/> is <see langword="null"/>.</exception>
    public SandboxTools(SandboxSessionManager sessions)
    {
        Sessions = Throw.IfNull(sessions);
        HostPaths = new HostPathPolicy(sessions.Options.AllowedHostDirectories);
        DefaultTimeout = (sessions.Provider.GetService<ExecutionClientOptions>() ?? new ExecutionClientOptions()).DefaultTimeout;
        _logger = sessions.LoggerFactory.CreateLogger<SandboxTools>();
    }

    /// <summary>Gets the sandboxes of the conversations.</summary>
    public SandboxSessionManager Sessions { get; }

    /// <summary>Gets the host directories the file actions may use, from <see cref="IpyBoxOptions.AllowedHostDirectories"/>.</summary>
    public HostPathPolicy HostPaths { get; }

    /// <summary>Gets the time limit of an execution that names none: the <see cref="ExecutionClientOptions.DefaultTimeout"/> the sandbox provider's kernels use.</summary>
    public TimeSpan DefaultTimeout { get; }

    private IpyBoxOptions Options => Sessions.Options;

    /// <summary>Executes Python code in the conversation's sandbox.</summary>
    /// <param name="conversationKey">The conversation; <see langword="null"/> gives an error result that says how to supply one.</param>
    /// <param name="code">The code, run as one cell.</param>
    /// <param name="timeout">
    /// The time limit; <see langword="null"/> for <see cref="DefaultTimeout"/>.
    /// A longer limit than <see cref="IpyBoxOptions.MaxExecutionTimeout"/> is reduced to it. On expiry the kernel is interrupted and its state kept.
    /// </param>
    /// <param name="cancellationToken">Cancels the execution; the kernel is interrupted.</param>
    /// <returns>The output text and images; or an error result with the exception, the output before it and the end of the traceback.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SandboxToolResult> ExecuteAsync(string? conversationKey, string code, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ExecuteWithOutputAsync(conversationKey, code, timeout, output: null, cancellationToken);

    /// <summary>Executes Python code in the conversation's sandbox and reports its output as it arrives.</summary>
    /// <param name="conversationKey">The conversation; <see langword="null"/> gives an error result that says how to supply one.</param>
    /// <param name="code">The code, run as one cell.</param>
    /// <param name="timeout">
    /// The time limit; <see langword="null"/> for <see cref="DefaultTimeout"/>.
    /// A longer limit than <see cref="IpyBoxOptions.MaxExecutionTimeout"/> is reduced to it. On expiry the kernel is interrupted and its state kept.
    /// </param>
    /// <param name="output">
    /// Receives the cell's <see cref="ExecutionEvent"/>s in the order the kernel sends them, while it runs (see
    /// <see cref="Execution.StreamEventsAsync"/>), on the thread that reads them: keep it quick. <see langword="null"/> for none.
    /// </param>
    /// <param name="cancellationToken">Cancels the execution; the kernel is interrupted.</param>
    /// <returns>
    /// The output text and images, with <see cref="SandboxToolResult.CellResult"/> (and, for a Python exception,
    /// <see cref="SandboxToolResult.CellError"/>) set; or an error result with the exception, the output before it and the end of the traceback.
    /// </returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SandboxToolResult> ExecuteWithOutputAsync(string? conversationKey, string code, TimeSpan? timeout, IProgress<ExecutionEvent>? output, CancellationToken cancellationToken = default)
    {
        if (code is null)
        {
            return Task.FromResult(SandboxToolResult.Error("Error: no code was given."));
        }

        if (CheckTimeout(timeout, DefaultTimeout, out var limit) is { } refused)
        {
            return Task.FromResult(refused);
        }

        return InvokeAsync(
            "execute",
            conversationKey,
            (session, ct) => RunCellAsync(
                session,
                code,
                limit,
                output,
                result => new SandboxToolResult(ToolOutput.FromResult(result, Options), isError: false) { CellResult = result },
                error => new SandboxToolResult(ToolOutput.FromError(error, Options), isError: true) { CellResult = error.Result, CellError = error },
                ct),
            cancellationToken);
    }

    /// <summary>Installs Python packages with pip into the kernel's environment of the conversation's sandbox.</summary>
    /// <param name="conversationKey">The conversation; <see langword="null"/> gives an error result that says how to supply one.</param>
    /// <param name="packages">Requirement specifiers (<c>requests</c>, <c>pandas&gt;=2</c>) or paths of wheels or source archives in the sandbox; pip options are refused.</param>
    /// <param name="timeout">The time limit; <see langword="null"/> for <see cref="IpyBoxOptions.PackageInstallTimeout"/>. A longer limit than <see cref="IpyBoxOptions.MaxExecutionTimeout"/> is reduced to it.</param>
    /// <param name="cancellationToken">Cancels the installation.</param>
    /// <returns>What pip reported; an error result when pip failed.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SandboxToolResult> InstallPackagesAsync(string? conversationKey, IEnumerable<string> packages, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        InstallPackagesWithOutputAsync(conversationKey, packages, timeout, output: null, cancellationToken);

    /// <summary>Installs Python packages with pip into the kernel's environment of the conversation's sandbox and reports pip's output as it arrives.</summary>
    /// <param name="conversationKey">The conversation; <see langword="null"/> gives an error result that says how to supply one.</param>
    /// <param name="packages">Requirement specifiers (<c>requests</c>, <c>pandas&gt;=2</c>) or paths of wheels or source archives in the sandbox; pip options are refused.</param>
    /// <param name="timeout">The time limit; <see langword="null"/> for <see cref="IpyBoxOptions.PackageInstallTimeout"/>. A longer limit than <see cref="IpyBoxOptions.MaxExecutionTimeout"/> is reduced to it.</param>
    /// <param name="output">Receives the installation's <see cref="ExecutionEvent"/>s (pip's output) as they arrive; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the installation.</param>
    /// <returns>What pip reported; an error result when pip failed.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SandboxToolResult> InstallPackagesWithOutputAsync(string? conversationKey, IEnumerable<string> packages, TimeSpan? timeout, IProgress<ExecutionEvent>? output, CancellationToken cancellationToken = default)
    {
        if (PipInstall.Check(packages, out var invalid) is not { } requirements)
        {
            return Task.FromResult(SandboxToolResult.Error(invalid!));
        }

        if (CheckTimeout(timeout, Options.PackageInstallTimeout, out var limit) is { } refused)
        {
            return Task.FromResult(refused);
        }

        var names = string.Join(' ', requirements);
        var code = PipInstall.Code(requirements);
        return InvokeAsync(
            "install_packages",
            conversationKey,
            (session, ct) => RunCellAsync(
                session,
                code,
                limit,
                output,
                result => SandboxToolResult.Success(Fit($"Installed {names}.\n{result.Text}")),
                error => SandboxToolResult.Error(Fit(
                    $"Error: installing {names} failed ({error.ErrorValue}).\n{error.Result?.Text}\nCheck the names and versions; the sandbox may have no access to a package index.")),
                ct),
            cancellationToken);
    }

    /// <summary>Copies a file or a directory from an allowed host directory into the conversation's sandbox.</summary>
    /// <param name="conversationKey">The conversation; <see langword="null"/> gives an error result that says how to supply one.</param>
    /// <param name="hostPath">The file or directory on the host; it must lie inside <see cref="HostPaths"/>.</param>
    /// <param name="sandboxPath">The target, relative to <c>/app</c>; missing directories are created and an existing file is replaced.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>A confirmation; an error result when a path is refused or the copy failed.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SandboxToolResult> UploadAsync(string? conversationKey, string hostPath, string sandboxPath, CancellationToken cancellationToken = default)
    {
        if (CheckPaths(() => (Authorize(hostPath), AppPath.Normalize(sandboxPath ?? string.Empty)), out var paths) is { } refused)
        {
            return Task.FromResult(refused);
        }

        var (source, target) = paths;
        return InvokeAsync(
            "upload_file",
            conversationKey,
            async (session, ct) =>
            {
                if (Directory.Exists(source))
                {
                    await session.RunAsync((sandbox, c) => sandbox.Files.UploadDirectoryAsync(source, target, c), ct).ConfigureAwait(false);
                    return SandboxToolResult.Success($"Uploaded the directory {hostPath} to {AppPath.ToAbsolute(target)}.");
                }

                await session.RunAsync((sandbox, c) => sandbox.Files.UploadFileAsync(source, target, c), ct).ConfigureAwait(false);
                return SandboxToolResult.Success(string.Create(CultureInfo.InvariantCulture, $"Uploaded {hostPath} ({new FileInfo(source).Length} bytes) to {AppPath.ToAbsolute(target)}."));
            },
            cancellationToken);
    }

    /// <summary>Copies a file from the conversation's sandbox to an allowed host directory.</summary>
    /// <param name="conversationKey">The conversation; <see langword="null"/> gives an error result that says how to supply one.</param>
    /// <param name="sandboxPath">The file in the sandbox, relative to <c>/app</c>.</param>
    /// <param name="hostPath">The target file on the host; it must lie inside <see cref="HostPaths"/>. Missing parent directories are created and an existing file is replaced.</param>
    /// <param name="cancellationToken">Cancels the download; no partial file is left behind.</param>
    /// <returns>A confirmation; an error result when a path is refused or the copy failed.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SandboxToolResult> DownloadFileAsync(string? conversationKey, string sandboxPath, string hostPath, CancellationToken cancellationToken = default)
    {
        if (CheckPaths(() => (AppPath.Normalize(sandboxPath ?? string.Empty), Authorize(hostPath)), out var paths) is { } refused)
        {
            return Task.FromResult(refused);
        }

        var (source, target) = paths;
        return InvokeAsync(
            "download_file",
            conversationKey,
            async (session, ct) =>
            {
                await session.RunAsync((sandbox, c) => sandbox.Files.DownloadFileAsync(source, target, c), ct).ConfigureAwait(false);
                return SandboxToolResult.Success(string.Create(CultureInfo.InvariantCulture, $"Downloaded {AppPath.ToAbsolute(source)} to {hostPath} ({new FileInfo(target).Length} bytes)."));
            },
            cancellationToken);
    }

    /// <summary>Lists a directory of the conversation's sandbox.</summary>
    /// <param name="conversationKey">The conversation; <see langword="null"/> gives an error result that says how to supply one.</param>
    /// <param name="path">The directory, relative to <c>/app</c>; empty for <c>/app</c> itself.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>One line per entry (name, kind, size); an error result when the path is refused or missing.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SandboxToolResult> ListFilesAsync(string? conversationKey, string path = "", CancellationToken cancellationToken = default)
    {
        if (CheckPaths(() => (AppPath.Normalize(path ?? string.Empty), string.Empty), out var paths) is { } refused)
        {
            return Task.FromResult(refused);
        }

        var relative = paths.Source;
        return InvokeAsync(
            "list_files",
            conversationKey,
            async (session, ct) =>
            {
                var entries = await session.RunAsync((sandbox, c) => sandbox.Files.ListAsync(relative, c), ct).ConfigureAwait(false);
                var text = new StringBuilder($"Contents of {AppPath.ToAbsolute(relative)}:");
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

                return SandboxToolResult.Success(Fit(text.ToString()));
            },
            cancellationToken);
    }

    /// <summary>Replaces the conversation's kernel with a fresh one; files in <c>/app</c> and installed packages are kept.</summary>
    /// <param name="conversationKey">The conversation; <see langword="null"/> gives an error result that says how to supply one.</param>
    /// <param name="cancellationToken">Cancels the reset.</param>
    /// <returns>A confirmation; an error result when no new kernel could be started (the sandbox is then replaced on the next call).</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SandboxToolResult> ResetAsync(string? conversationKey, CancellationToken cancellationToken = default) =>
        InvokeAsync(
            "reset",
            conversationKey,
            async (session, ct) =>
            {
                await session.ResetAsync(ct).ConfigureAwait(false);
                return SandboxToolResult.Success("The kernel was restarted: variables, imports and definitions are gone; files in /app and installed packages are kept.");
            },
            cancellationToken);

    /// <summary>
    /// Saves the notebook of the conversation's sandbox (its cells and their outputs, see <see cref="NotebookRecorder"/>) as a
    /// file in the sandbox, where code can read it and <see cref="DownloadFileAsync"/> can copy it to an allowed host directory.
    /// </summary>
    /// <param name="conversationKey">The conversation; <see langword="null"/> gives an error result that says how to supply one.</param>
    /// <param name="sandboxPath">The file to write, relative to <c>/app</c>; missing directories are created and an existing file is replaced.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>A confirmation with the number of cells; an error result when the path is refused or the sandbox records no notebook.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SandboxToolResult> ExportNotebookAsync(string? conversationKey, string sandboxPath, CancellationToken cancellationToken = default)
    {
        if (CheckPaths(() => (AppPath.Normalize(sandboxPath ?? string.Empty), string.Empty), out var paths) is { } refused)
        {
            return Task.FromResult(refused);
        }

        var target = paths.Source;
        if (target.Length == 0)
        {
            return Task.FromResult(SandboxToolResult.Error("Error: give the notebook's file name relative to /app, e.g. \"analysis.ipynb\"."));
        }

        return InvokeAsync(
            "export_notebook",
            conversationKey,
            (session, ct) => session.RunAsync(
                async (sandbox, c) =>
                {
                    if (sandbox.GetService<NotebookRecorder>() is not { } recorder)
                    {
                        return SandboxToolResult.Error("Error: this application does not record notebooks (IpyBoxOptions.Notebooks is null).");
                    }

                    var temporary = Path.Combine(Path.GetTempPath(), $"ipybox-notebook-{Guid.NewGuid():N}.ipynb");
                    try
                    {
                        var file = File.Create(temporary);
                        await using (file.ConfigureAwait(false))
                        {
                            await recorder.WriteNotebookAsync(file, c).ConfigureAwait(false);
                        }

                        await sandbox.Files.UploadFileAsync(temporary, target, c).ConfigureAwait(false);
                    }
                    finally
                    {
                        File.Delete(temporary);
                    }

                    return SandboxToolResult.Success(string.Create(CultureInfo.InvariantCulture,
                        $"Saved the notebook of this conversation ({recorder.Cells.Count} cells) to {AppPath.ToAbsolute(target)}."));
                },
                ct),
            cancellationToken);
    }

    /// <summary>Lists the tool packages registered in the conversation's sandbox, with the signature of every function, so a model knows what its code can import.</summary>
    /// <param name="conversationKey">The conversation; <see langword="null"/> gives an error result that says how to supply one.</param>
    /// <param name="cancellationToken">Cancels waiting for the sandbox.</param>
    /// <returns>One block per package: the module, its description and its functions' signatures; a note when none is registered.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SandboxToolResult> ListToolModulesAsync(string? conversationKey, CancellationToken cancellationToken = default) =>
        InvokeAsync(
            "list_sandbox_tools",
            conversationKey,
            (session, _) => Task.FromResult(SandboxToolResult.Success(Fit(ToolModuleListing.Format(session.Sandbox.GetHostToolModules())))),
            cancellationToken);

    /// <summary>
    /// Returns the generated source of a tool package registered in the conversation's sandbox, or of one of its tools: a
    /// package's source is its index (every tool with a one-line summary), a tool's source is its own small module with
    /// the signature and docstring.
    /// </summary>
    /// <param name="conversationKey">The conversation; <see langword="null"/> gives an error result that says how to supply one.</param>
    /// <param name="module">
    /// The package's module (<c>mcptools.weather</c>) or its tool set's name (<c>weather</c>), or one tool's module
    /// (<c>mcptools.weather.forecast</c> or <c>weather.forecast</c>).
    /// </param>
    /// <param name="cancellationToken">Cancels waiting for the sandbox.</param>
    /// <returns>The source; an error result naming the registered packages when there is no such package or tool.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SandboxToolResult> GetToolSourceAsync(string? conversationKey, string module, CancellationToken cancellationToken = default) =>
        InvokeAsync(
            "get_tool_source",
            conversationKey,
            (session, _) =>
            {
                var sets = session.Sandbox.GetService<ToolBridgeHost>()?.Sets ?? [];
                var source = ToolSource(sets, module ?? string.Empty);
                return Task.FromResult(source is not null
                    ? SandboxToolResult.Success(Fit(source))
                    : SandboxToolResult.Error(sets.Count == 0
                        ? $"Error: no tool package '{module}': this sandbox has no tool packages."
                        : $"Error: no tool package or tool '{module}'. The registered packages are: {string.Join(", ", sets.Select(set => set.Package.Module))}; " +
                          "a tool's module is the package's followed by the function's name, e.g. mcptools.weather.forecast."));
            },
            cancellationToken);

    /// <summary>Finds the source of a package (by module or set name) or of one tool (package, a dot, the function's name).</summary>
    private static string? ToolSource(IReadOnlyList<ToolBridgeSet> sets, string name)
    {
        var package = Package(sets, name);
        if (package is not null)
        {
            return package.Source;
        }

        var dot = name.LastIndexOf('.');
        if (dot <= 0)
        {
            return null;
        }

        return Package(sets, name[..dot])?.FunctionSource(name[(dot + 1)..]);
    }

    private static ToolPackage? Package(IReadOnlyList<ToolBridgeSet> sets, string name) =>
        (sets.FirstOrDefault(set => set.Package.Module == name) ?? sets.FirstOrDefault(set => set.Set.Name == name))?.Package;

    /// <summary>Returns the source of a Python module on the kernel's path (a tool package, a library, a file in <c>/app</c>), read in the kernel.</summary>
    /// <param name="conversationKey">The conversation; <see langword="null"/> gives an error result that says how to supply one.</param>
    /// <param name="module">A dotted module name, e.g. <c>json</c> or <c>mcptools.weather</c>; the kernel imports it.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>The source; an error result when the name is invalid, the module cannot be imported or has no Python source.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<SandboxToolResult> GetModuleSourceAsync(string? conversationKey, string module, CancellationToken cancellationToken = default) =>
        InvokeAsync(
            "get_module_source",
            conversationKey,
            async (session, ct) =>
            {
                try
                {
                    var source = await session.RunAsync((sandbox, c) => sandbox.GetModuleSourceAsync(module, c), ct).ConfigureAwait(false);
                    return SandboxToolResult.Success(Fit(source));
                }
                catch (ArgumentException ex)
                {
                    return SandboxToolResult.Error($"Error: {ex.Message}");
                }
                catch (ExecutionException ex)
                {
                    return SandboxToolResult.Error(Fit($"Error: the source of '{module}' could not be read ({ex.ErrorName}: {ex.ErrorValue}). Only modules written in Python have source; check the name with list_sandbox_tools or pip."));
                }
            },
            cancellationToken);

    /// <summary>Runs a cell and maps its outcome; the failures every cell can have are mapped here once.</summary>
    private static async Task<SandboxToolResult> RunCellAsync(
        SandboxSession session,
        string code,
        TimeSpan limit,
        IProgress<ExecutionEvent>? output,
        Func<ExecutionResult, SandboxToolResult> success,
        Func<ExecutionException, SandboxToolResult> pythonError,
        CancellationToken cancellationToken)
    {
        try
        {
            CellCode.ThrowIfUnrunnable(code);
            var result = output is null
                ? await session.ExecuteAsync(code, limit, cancellationToken).ConfigureAwait(false)
                : await session.RunAsync((sandbox, ct) => ExecuteReportingAsync(sandbox, code, limit, output, ct), cancellationToken).ConfigureAwait(false);
            return success(result);
        }
        catch (ExecutionException ex)
        {
            return pythonError(ex);
        }
        catch (ExecutionTimeoutException ex) when (ex.KernelRestarted)
        {
            return SandboxToolResult.Error(ToolOutput.FromKernelRestarted(limit));
        }
        catch (TimeoutException)
        {
            return SandboxToolResult.Error(ToolOutput.FromTimeout(limit));
        }
        catch (KernelDiedException ex)
        {
            return SandboxToolResult.Error(ToolOutput.FromKernelDied(ex));
        }
        catch (ArgumentException ex) when (ex.ParamName == "code")
        {
            return SandboxToolResult.Error(ToolOutput.FromRefusedCode(ex));
        }
    }

    /// <summary>Runs a cell, hands its events to <paramref name="output"/> as they arrive, and returns its result (or throws what it ended with).</summary>
    private static async Task<ExecutionResult> ExecuteReportingAsync(ISandbox sandbox, string code, TimeSpan limit, IProgress<ExecutionEvent> output, CancellationToken cancellationToken)
    {
        var execution = await sandbox.SubmitAsync(code, limit, cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var item in execution.StreamEventsAsync(cancellationToken).ConfigureAwait(false))
            {
                output.Report(item);
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A timeout or a lost kernel ends the stream; the result below throws the same, where it is mapped.
        }

        return await execution.GetResultAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Turns a requested time limit into the one to use, or returns the error result for an invalid one.</summary>
    private SandboxToolResult? CheckTimeout(TimeSpan? requested, TimeSpan fallback, out TimeSpan limit)
    {
        limit = fallback;
        if (requested is not { } value)
        {
            return null;
        }

        if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            return SandboxToolResult.Error("Error: the timeout must be a positive number of seconds.");
        }

        var max = Options.MaxExecutionTimeout;
        limit = max != Timeout.InfiniteTimeSpan && (value == Timeout.InfiniteTimeSpan || value > max) ? max : value;
        if (limit > s_longestTimeout)
        {
            limit = Timeout.InfiniteTimeSpan;
        }

        return null;
    }

    /// <summary>Checks the paths of a file action before any sandbox is needed; returns the error result when one is refused.</summary>
    private static SandboxToolResult? CheckPaths(Func<(string Source, string Target)> check, out (string Source, string Target) paths)
    {
        try
        {
            paths = check();
            return null;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or ArgumentException)
        {
            paths = default;

            // The message is for the model: it names values, never the .NET parameters behind them (which the tool schemas do not show).
            var message = ex is ArgumentException { ParamName: { } name }
                ? ex.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal)
                : ex.Message;
            return SandboxToolResult.Error($"Error: {message}");
        }
    }

    private string Fit(string text) => ToolOutput.Truncate(text, Options.MaxOutputCharacters);

    private string Authorize(string hostPath)
    {
        if (string.IsNullOrWhiteSpace(hostPath))
        {
            throw new ArgumentException("The host path is empty; give the absolute path of a file inside the allowed directories.");
        }

        try
        {
            return HostPaths.Authorize(hostPath);
        }
        catch (UnauthorizedAccessException ex)
        {
            Log.HostPathRefused(_logger, hostPath);
            throw new UnauthorizedAccessException($"Access denied: {ex.Message}", ex);
        }
    }

    /// <summary>Runs one tool action in an <c>execute_tool</c> span named and tagged the way Microsoft.Extensions.AI's <c>UseOpenTelemetry</c> does.</summary>
    private async Task<SandboxToolResult> InvokeAsync(
        string action,
        string? conversationKey,
        Func<SandboxSession, CancellationToken, Task<SandboxToolResult>> work,
        CancellationToken cancellationToken)
    {
        var call = FunctionInvokingChatClient.CurrentContext;
        var toolName = call?.Function.Name ?? action switch
        {
            "execute" => "execute_python",
            "reset" => "reset_kernel",
            _ => action,
        };
        using var activity = IpyBoxTelemetry.Source.StartActivity($"execute_tool {toolName}", ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("gen_ai.operation.name", "execute_tool");
            activity.SetTag("gen_ai.tool.type", "function");
            activity.SetTag("gen_ai.tool.name", toolName);
            activity.SetTag("gen_ai.tool.call.id", call?.CallContent.CallId);
            activity.SetTag("gen_ai.tool.description", call?.Function.Description);
            activity.SetTag("gen_ai.conversation.id", conversationKey);
            if (Options.EnableSensitiveTelemetryData && activity.IsAllDataRequested && call?.Arguments is { } arguments)
            {
                activity.SetTag("gen_ai.tool.call.arguments", JsonSerializer.Serialize(arguments.ToDictionary(a => a.Key, a => a.Value?.ToString())));
            }
        }

        try
        {
            var result = await InvokeCoreAsync(action, conversationKey, work, cancellationToken).ConfigureAwait(false);
            if (activity is not null)
            {
                if (Options.EnableSensitiveTelemetryData && activity.IsAllDataRequested)
                {
                    activity.SetTag("gen_ai.tool.call.result", result.Text);
                }

                if (result.IsError)
                {
                    activity.SetTag("error.type", "tool_error");
                    activity.SetStatus(ActivityStatusCode.Error, result.Text.Split('\n')[0]);
                }
            }

            return result;
        }
        catch (Exception ex)
        {
            IpyBoxTelemetry.SetError(activity, ex);
            throw;
        }
    }

    private async Task<SandboxToolResult> InvokeCoreAsync(
        string action,
        string? conversationKey,
        Func<SandboxSession, CancellationToken, Task<SandboxToolResult>> work,
        CancellationToken cancellationToken)
    {
        if (conversationKey is null)
        {
            Log.ToolCallWithoutConversation(_logger, action);
            return SandboxToolResult.Error(
                "Error: this tool call belongs to no conversation, and unkeyed calls do not share a sandbox unless the application allows it. " +
                "The application must give each conversation its key: bind the tools to it (SandboxSessionManager.CreatePlugin(key)), " +
                "wrap the chat call in IpyBoxConversation.Begin(key), put it in ChatOptions.AdditionalProperties or Kernel.Data under \"" + IpyBoxConversation.PropertyName + "\", " +
                "or run the tools in an Agent Framework session with IpyBox.AI.AgentFramework; " +
                "or opt in to one sandbox shared by all unkeyed calls with IpyBoxOptions.DefaultConversationKey.");
        }

        Log.ToolInvoked(_logger, action, conversationKey);
        SandboxSession session;
        try
        {
            session = await Sessions.GetOrCreateAsync(conversationKey, cancellationToken).ConfigureAwait(false);
        }
        catch (SessionLimitException ex)
        {
            Log.ToolFailed(_logger, action, conversationKey, ex);
            return SandboxToolResult.Error($"Error: {ex.Message}");
        }
        catch (Exception ex) when (IsFailure(ex, cancellationToken))
        {
            Log.ToolFailed(_logger, action, conversationKey, ex);
            return SandboxToolResult.Error(ToolOutput.FromFailure("starting the sandbox", ex));
        }

        try
        {
            return await work(session, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SandboxUnavailableException || (ex is ObjectDisposedException && session.IsDisposed))
        {
            // The session removed itself: the conversation's next call gets a new sandbox.
            Log.ToolFailed(_logger, action, conversationKey, ex);
            return SandboxToolResult.Error(ToolOutput.FromLostSandbox(ex));
        }
        catch (Exception ex) when (IsFailure(ex, cancellationToken))
        {
            // Anything else (engine or file errors, an unexpected reply) still reaches the model as text.
            Log.ToolFailed(_logger, action, conversationKey, ex);
            return SandboxToolResult.Error(ToolOutput.FromFailure(action.Replace('_', ' '), ex));
        }
    }

    /// <summary>Whether an exception becomes an error result: anything but running out of memory and the caller's own cancellation.</summary>
    private static bool IsFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is not OutOfMemoryException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested);
}
