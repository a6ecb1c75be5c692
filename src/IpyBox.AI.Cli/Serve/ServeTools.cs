using System.ComponentModel;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using IpyBox.AI.Cli.Mcp;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace IpyBox.AI.Cli.Serve;

/// <summary>
/// The tools of <c>ipybox serve</c>. Stateless: every call names its sandbox by the id <c>create_sandbox</c> returned, and is
/// checked against the caller's principal (from the request's authenticated user). Execution, packages, listing and reset are
/// the library's <see cref="SandboxTools"/>, as in <c>ipybox mcp</c>; files travel inline, within <see cref="ServeOptions.MaxFileBytes"/>.
/// Cells and installations send their output as progress notifications when the call carries a progress token, end when the
/// client cancels or drops the request (the kernel is interrupted, its state kept), and are interrupted when the service stops.
/// </summary>
[McpServerToolType]
internal sealed class ServeTools(PrincipalSandboxes sandboxes, ServeShutdown shutdown, IHttpContextAccessor http, ILogger<ServeTools> logger)
{
    private const string IdDescription = "The sandbox's id, as returned by create_sandbox.";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private string Principal =>
        http.HttpContext?.User.FindFirstValue(ClaimTypes.NameIdentifier)
        ?? throw new InvalidOperationException("The request has no authenticated principal.");

    [McpServerTool(Name = "create_sandbox", Destructive = false, OpenWorld = false)]
    [Description("""
        Create a new Python sandbox (a stateful IPython kernel in its own container, working directory /app) and return its id.
        Pass the id as sandbox_id to every other tool; keep it, since the sandbox is reached only through it. A sandbox unused
        for a while expires; delete it with delete_sandbox when done.
        """)]
    public Task<CallToolResult> CreateSandboxAsync(
        [Description("Optional key/value labels to find the sandbox by in list_sandboxes (keys: letters, digits, '.', '_', '-').")] Dictionary<string, string>? metadata = null,
        [Description("Optional name of a snapshot whose files and packages the sandbox starts with.")] string? snapshot = null,
        CancellationToken cancellationToken = default) =>
        GuardAsync("create_sandbox", null, async principal =>
        {
            var id = await sandboxes.CreateAsync(principal, metadata, snapshot, cancellationToken);
            return Text($"sandbox_id: {id}\nThe sandbox is ready; pass this id as sandbox_id to execute_ipython_cell and the other tools.");
        });

    [McpServerTool(Name = "execute_ipython_cell", Destructive = true, OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(CellOutput))]
    [Description("""
        Execute Python code in the stateful IPython kernel of a sandbox and return its output. Variables, imports and
        definitions persist between calls on the same sandbox until `reset`. The working directory is /app. IPython features
        work: magics, shell commands (!ls) and `!pip install` (where the sandbox has network). Returns the text output and any
        images the code displays, such as matplotlib figures; long output is truncated in the middle. If the code raises an
        exception, the result is an error with the output before it and the end of the traceback. The structured result has
        stdout, stderr, the last expression's value, the exception and the execution count apart. With a progress token, the
        output arrives as progress notifications while the cell runs; cancelling the call interrupts the cell (state is kept).
        """)]
    public Task<CallToolResult> ExecuteIpythonCellAsync(
        [Description(IdDescription)] string sandbox_id,
        [Description("The Python code to execute, as one cell.")] string code,
        RequestContext<CallToolRequestParams> request,
        [Description("Seconds the code may run; after that the kernel is interrupted (its state is kept) and an error is returned.")] double timeout = 120,
        CancellationToken cancellationToken = default) =>
        WithStructuredContentAsync(GuardAsync("execute_ipython_cell", sandbox_id, async principal =>
        {
            var id = await sandboxes.CheckAsync(principal, sandbox_id, cancellationToken);
            using var slot = sandboxes.EnterExecution(principal);
            await using var progress = NotifierFor(request);
            var observer = new CellEventObserver(progress);
            var outcome = await RunUntilStopAsync(
                "execute_ipython_cell",
                principal,
                "cell",
                ct => sandboxes.Tools.ExecuteWithOutputAsync(id, code, McpTools.Seconds(timeout), observer, ct),
                cancellationToken);

            var result = McpTools.ToCallToolResult(outcome);
            result.StructuredContent = CellOutput.From(outcome, observer.Value, sandboxes.Sessions.Options.MaxOutputCharacters).ToJson();
            return result;
        }));

    [McpServerTool(Name = "install_packages", Destructive = true, OpenWorld = true)]
    [Description("""
        Install Python packages with pip into a sandbox's kernel environment; they stay after `reset`. Each entry is a
        requirement specifier such as `requests` or `pandas>=2`, or the path of a wheel inside the sandbox (relative to /app).
        Options (entries starting with '-') are refused. Returns pip's output; the result is an error when pip fails. With a
        progress token, pip's output arrives as progress notifications while it runs.
        """)]
    public Task<CallToolResult> InstallPackagesAsync(
        [Description(IdDescription)] string sandbox_id,
        [Description("The packages to install, one requirement specifier or sandbox path per entry.")] string[] packages,
        RequestContext<CallToolRequestParams> request,
        [Description("Seconds the installation may take.")] double timeout = 300,
        CancellationToken cancellationToken = default) =>
        GuardAsync("install_packages", sandbox_id, async principal =>
        {
            var id = await sandboxes.CheckAsync(principal, sandbox_id, cancellationToken);
            using var slot = sandboxes.EnterExecution(principal);
            await using var progress = NotifierFor(request);
            var observer = new CellEventObserver(progress);
            return McpTools.ToCallToolResult(await RunUntilStopAsync(
                "install_packages",
                principal,
                "installation",
                ct => sandboxes.Tools.InstallPackagesWithOutputAsync(id, packages ?? [], McpTools.Seconds(timeout), observer, ct),
                cancellationToken));
        });

    [McpServerTool(Name = "list_files", ReadOnly = true, Idempotent = true)]
    [Description("List a directory of a sandbox: each entry with its kind and size.")]
    public Task<CallToolResult> ListFilesAsync(
        [Description(IdDescription)] string sandbox_id,
        [Description("The directory, relative to /app; empty for /app itself.")] string path = "",
        CancellationToken cancellationToken = default) =>
        GuardAsync("list_files", sandbox_id, async principal =>
        {
            var id = await sandboxes.CheckAsync(principal, sandbox_id, cancellationToken);
            return McpTools.ToCallToolResult(await sandboxes.Tools.ListFilesAsync(id, path ?? string.Empty, cancellationToken));
        });

    [McpServerTool(Name = "upload_file", Destructive = true)]
    [Description("""
        Write a file into a sandbox from content given inline, so code can read it. Text is written as UTF-8; binary content
        is given as base64 with encoding 'base64'. Missing directories are created and an existing file is replaced.
        Files larger than the service's limit (see the error) are refused.
        """)]
    public Task<CallToolResult> UploadFileAsync(
        [Description(IdDescription)] string sandbox_id,
        [Description("The target path in the sandbox, relative to /app (e.g. 'data/input.csv').")] string path,
        [Description("The file's content: text, or base64 when encoding is 'base64'.")] string content,
        [Description("'text' (the default) or 'base64'.")] string encoding = "text",
        CancellationToken cancellationToken = default) =>
        GuardAsync("upload_file", sandbox_id, async principal =>
        {
            var id = await sandboxes.CheckAsync(principal, sandbox_id, cancellationToken);
            var bytes = Decode(content, encoding);
            CheckSize(bytes.Length, path);
            var temporary = TemporaryFile();
            try
            {
                await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);
                var session = await sandboxes.Sessions.GetOrCreateAsync(id, cancellationToken);
                await session.RunAsync((sandbox, ct) => sandbox.Files.UploadFileAsync(temporary, path, ct), cancellationToken);
            }
            finally
            {
                File.Delete(temporary);
            }

            return Text(string.Create(CultureInfo.InvariantCulture, $"Wrote {bytes.Length} bytes to /app/{path.TrimStart('/')}."));
        });

    [McpServerTool(Name = "download_file", ReadOnly = true)]
    [Description("""
        Read a file of a sandbox (e.g. a result or plot that code wrote) and return its content inline: an embedded resource,
        as text when the file is UTF-8 text, else as base64. Files larger than the service's limit are refused.
        """)]
    public Task<CallToolResult> DownloadFileAsync(
        [Description(IdDescription)] string sandbox_id,
        [Description("The file in the sandbox, relative to /app (e.g. 'output/result.csv').")] string path,
        CancellationToken cancellationToken = default) =>
        GuardAsync("download_file", sandbox_id, async principal =>
        {
            var id = await sandboxes.CheckAsync(principal, sandbox_id, cancellationToken);
            var session = await sandboxes.Sessions.GetOrCreateAsync(id, cancellationToken);
            var relative = (path ?? string.Empty).Trim().TrimStart('/');
            var temporary = TemporaryFile();
            try
            {
                await session.RunAsync(
                    async (sandbox, ct) =>
                    {
                        // The size first, from the directory listing: a large file is refused before it is copied.
                        var separator = relative.LastIndexOf('/');
                        var entries = await sandbox.Files.ListAsync(separator < 0 ? string.Empty : relative[..separator], ct);
                        var name = relative[(separator + 1)..];
                        if (entries.FirstOrDefault(e => e.Name == name) is { } entry)
                        {
                            CheckSize(entry.Size, relative);
                        }

                        await sandbox.Files.DownloadFileAsync(relative, temporary, ct);
                    },
                    cancellationToken);
                var bytes = await File.ReadAllBytesAsync(temporary, cancellationToken);
                CheckSize(bytes.Length, relative);
                return new CallToolResult { Content = [Resource(id, relative, bytes)] };
            }
            finally
            {
                File.Delete(temporary);
            }
        });

    [McpServerTool(Name = "reset", Destructive = true, Idempotent = true)]
    [Description("Restart a sandbox's Python kernel: variables, imports and definitions are cleared; files in /app and installed packages are kept.")]
    public Task<CallToolResult> ResetAsync(
        [Description(IdDescription)] string sandbox_id,
        CancellationToken cancellationToken = default) =>
        GuardAsync("reset", sandbox_id, async principal =>
        {
            var id = await sandboxes.CheckAsync(principal, sandbox_id, cancellationToken);
            return McpTools.ToCallToolResult(await sandboxes.Tools.ResetAsync(id, cancellationToken));
        });

    [McpServerTool(Name = "pause_sandbox", Destructive = false, Idempotent = true)]
    [Description("Pause a sandbox: its kernel and variables are kept and it uses no CPU. The next call on it (or resume_sandbox) resumes it.")]
    public Task<CallToolResult> PauseSandboxAsync(
        [Description(IdDescription)] string sandbox_id,
        CancellationToken cancellationToken = default) =>
        GuardAsync("pause_sandbox", sandbox_id, async principal =>
        {
            var id = await sandboxes.CheckAsync(principal, sandbox_id, cancellationToken);
            await sandboxes.PauseAsync(id, cancellationToken);
            return Text($"Paused {id}; its variables are kept.");
        });

    [McpServerTool(Name = "resume_sandbox", Destructive = false, Idempotent = true)]
    [Description("Resume a paused sandbox (a running one is left as it is).")]
    public Task<CallToolResult> ResumeSandboxAsync(
        [Description(IdDescription)] string sandbox_id,
        CancellationToken cancellationToken = default) =>
        GuardAsync("resume_sandbox", sandbox_id, async principal =>
        {
            var id = await sandboxes.CheckAsync(principal, sandbox_id, cancellationToken);
            await sandboxes.ResumeAsync(id, cancellationToken);
            return Text($"Resumed {id}.");
        });

    [McpServerTool(Name = "delete_sandbox", Destructive = true, Idempotent = false)]
    [Description("Delete a sandbox with its files and packages. Its id is unknown afterwards.")]
    public Task<CallToolResult> DeleteSandboxAsync(
        [Description(IdDescription)] string sandbox_id,
        CancellationToken cancellationToken = default) =>
        GuardAsync("delete_sandbox", sandbox_id, async principal =>
        {
            var id = await sandboxes.CheckAsync(principal, sandbox_id, cancellationToken);
            await sandboxes.DeleteAsync(principal, id, cancellationToken);
            return Text($"Deleted {id}.");
        });

    [McpServerTool(Name = "list_sandboxes", ReadOnly = true, Idempotent = true)]
    [Description("List your sandboxes, newest first, as JSON: id, state (running, paused, stopped), creation time, lease expiry and metadata.")]
    public Task<CallToolResult> ListSandboxesAsync(CancellationToken cancellationToken = default) =>
        GuardAsync("list_sandboxes", null, async principal =>
        {
            var listing = (await sandboxes.ListAsync(principal, cancellationToken)).Select(info => new
            {
                id = info.Id,
                state = info.State.ToString().ToLowerInvariant(),
                created = info.Created,
                leaseExpires = info.LeaseExpires,
                metadata = info.Metadata.Where(m => !m.Key.StartsWith(PrincipalSandboxes.ReservedMetadataPrefix, StringComparison.Ordinal)).ToDictionary(),
            });
            return Text(JsonSerializer.Serialize(listing, s_json));
        });

    /// <summary>
    /// Runs a cell or an installation until it ends, the client cancels or drops the request, or the service's shutdown grace
    /// period is over; the last becomes an error result that says the service is stopping.
    /// </summary>
    private async Task<SandboxToolResult> RunUntilStopAsync(
        string tool,
        string principal,
        string what,
        Func<CancellationToken, Task<SandboxToolResult>> run,
        CancellationToken cancellationToken)
    {
        // The HTTP request's abort counts as the client's cancellation: a stateless server has no other way to hear of it.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, shutdown.GraceOver, http.HttpContext?.RequestAborted ?? CancellationToken.None);
        try
        {
            return await run(linked.Token);
        }
        catch (OperationCanceledException) when (shutdown.GraceOver.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            ServeLog.InterruptedByStop(logger, tool, principal);
            return new SandboxToolResult([new TextContent(shutdown.InterruptedMessage(what))], isError: true);
        }
    }

    /// <summary>The progress sender of a call that carries a progress token; <see langword="null"/> for one that does not.</summary>
    private static ProgressOutputNotifier? NotifierFor(RequestContext<CallToolRequestParams> request) =>
        request.Params?.ProgressToken is { } token ? new ProgressOutputNotifier(request.Server, token) : null;

    /// <summary>Gives an <c>execute_ipython_cell</c> result that ran no cell (a refusal, an unknown id) its structured content too, as its output schema promises.</summary>
    private static async Task<CallToolResult> WithStructuredContentAsync(Task<CallToolResult> call)
    {
        var result = await call;
        result.StructuredContent ??= CellOutput.Failed(string.Join('\n', result.Content.OfType<TextContentBlock>().Select(t => t.Text))).ToJson();
        return result;
    }

    /// <summary>Runs a tool for the caller's principal; a refusal becomes its error result, an unexpected failure a short error (logged).</summary>
    private async Task<CallToolResult> GuardAsync(string tool, string? sandboxId, Func<string, Task<CallToolResult>> work)
    {
        var principal = Principal;
        try
        {
            return await work(principal);
        }
        catch (ServeRefusedException ex)
        {
            return Error(ex.Message);
        }
        catch (ArgumentException ex)
        {
            // A path outside /app or another malformed argument: the caller's to fix, not the service's to log.
            return Error($"Error: {ex.Message}");
        }
        catch (SandboxNotFoundException)
        {
            // Deleted between the check and the call, by another call or replica.
            return Error(PrincipalSandboxes.UnknownId(sandboxId));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ServeLog.ToolFailed(logger, tool, principal, ex);
            return Error($"Error: {tool} failed: {ex.Message}");
        }
    }

    private void CheckSize(long bytes, string path)
    {
        if (bytes > sandboxes.Options.MaxFileBytes)
        {
            throw new ServeRefusedException(string.Create(CultureInfo.InvariantCulture,
                $"Error: '{path}' has {bytes} bytes; this service carries files of at most {sandboxes.Options.MaxFileBytes} bytes inline. Split or compress it in the sandbox first."));
        }
    }

    private static byte[] Decode(string? content, string? encoding)
    {
        content ??= string.Empty;
        switch (encoding?.Trim().ToLowerInvariant())
        {
            case null or "" or "text" or "utf-8" or "utf8":
                return Encoding.UTF8.GetBytes(content);
            case "base64":
                try
                {
                    return Convert.FromBase64String(content);
                }
                catch (FormatException)
                {
                    throw new ServeRefusedException("Error: the content is not valid base64.");
                }

            default:
                throw new ServeRefusedException($"Error: the encoding '{encoding}' is not known; use 'text' or 'base64'.");
        }
    }

    private static EmbeddedResourceBlock Resource(string id, string path, byte[] bytes)
    {
        var uri = $"ipybox://sandbox/{id}/app/{path}";
        try
        {
            var text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
            if (!text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            {
                return new EmbeddedResourceBlock { Resource = new TextResourceContents { Uri = uri, MimeType = "text/plain", Text = text } };
            }
        }
        catch (DecoderFallbackException)
        {
        }

        return new EmbeddedResourceBlock { Resource = BlobResourceContents.FromBytes(bytes, uri, "application/octet-stream") };
    }

    private static string TemporaryFile() => Path.Combine(Path.GetTempPath(), $"ipybox-serve-{Guid.NewGuid():N}");

    private static CallToolResult Text(string text) => new() { Content = [new TextContentBlock { Text = text }] };

    private static CallToolResult Error(string text) => new() { Content = [new TextContentBlock { Text = text }], IsError = true };
}
