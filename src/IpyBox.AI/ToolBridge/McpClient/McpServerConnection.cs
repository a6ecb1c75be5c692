using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;

namespace IpyBox.AI;

/// <summary>
/// A connected MCP client of one server (started on the host for stdio) and the server's tools. Each tool is an
/// <see cref="McpClientTool"/>, an <c>AIFunction</c> that calls the server. Disposing the connection closes the client
/// and stops a stdio server's process.
/// </summary>
public sealed class McpServerConnection : IAsyncDisposable
{
    /// <summary>How many of a stdio server's last stderr lines an error message quotes.</summary>
    private const int StderrLinesKept = 20;

    private readonly ILogger _logger;
    private int _disposed;

    private McpServerConnection(McpServerDefinition definition, McpClient client, IReadOnlyList<McpClientTool> tools, ILogger logger)
    {
        Definition = definition;
        Client = client;
        Tools = tools;
        ToolSet = new HostToolSet(definition.Name, tools, client.ServerInstructions);
        _logger = logger;
    }

    /// <summary>Gets the server's definition.</summary>
    public McpServerDefinition Definition { get; }

    /// <summary>Gets the connected client.</summary>
    public McpClient Client { get; }

    /// <summary>Gets the server's tools, as listed when the connection was made.</summary>
    public IReadOnlyList<McpClientTool> Tools { get; }

    /// <summary>
    /// Gets the tools as a set named after the server, described by the server's instructions, ready for
    /// <see cref="HostToolExtensions.AddHostToolsAsync"/>; its calls go through this connection.
    /// </summary>
    public HostToolSet ToolSet { get; }

    /// <summary>Starts or reaches the server, completes the MCP handshake and lists its tools.</summary>
    /// <param name="definition">The server.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for no logging. A stdio server's stderr is logged at debug level.</param>
    /// <param name="cancellationToken">Cancels connecting; a started process is stopped.</param>
    /// <returns>The connection; dispose it to close the client.</returns>
    /// <exception cref="ArgumentException">The definition is invalid.</exception>
    /// <exception cref="McpServerException">The server could not be started or reached, or did not answer within <see cref="McpServerDefinition.ConnectTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<McpServerConnection> ConnectAsync(McpServerDefinition definition, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(definition);
        definition.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<McpServerConnection>();
        var stderr = new ConcurrentQueue<string>();
        var transport = CreateTransport(definition, logger, stderr, loggerFactory);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (definition.ConnectTimeout != Timeout.InfiniteTimeSpan)
        {
            timeout.CancelAfter(definition.ConnectTimeout);
        }

        McpClient? client = null;
        try
        {
            client = await McpClient.CreateAsync(transport, clientOptions: null, loggerFactory, timeout.Token).ConfigureAwait(false);
            var tools = await client.ListToolsAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
            Log.McpServerConnected(logger, definition.Name, definition.Transport, tools.Count);
            return new McpServerConnection(definition, client, [.. tools], logger);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (client is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            Log.McpServerConnectFailed(logger, definition.Name, ex);
            var reason = ex is OperationCanceledException
                ? $"it did not answer within {definition.ConnectTimeout.TotalSeconds:0.#} s (McpServerDefinition.ConnectTimeout)"
                : ex.Message;
            var lines = stderr.IsEmpty ? string.Empty : $"\nIts last stderr lines:\n{string.Join('\n', stderr)}";
            throw new McpServerException($"MCP server '{definition.Name}' ({Describe(definition)}) could not be used: {reason}{lines}", ex);
        }
    }

    /// <summary>Closes the client; a stdio server's process is stopped. Idempotent.</summary>
    /// <returns>A task that completes when the client is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Client.DisposeAsync().ConfigureAwait(false);
        Log.McpServerDisconnected(_logger, Definition.Name);
    }

    private static IClientTransport CreateTransport(McpServerDefinition definition, ILogger logger, ConcurrentQueue<string> stderr, ILoggerFactory loggerFactory)
    {
        if (definition.Transport == McpServerTransportKind.Stdio)
        {
            return new StdioClientTransport(
                new StdioClientTransportOptions
                {
                    Name = definition.Name,
                    Command = definition.Command!,
                    Arguments = [.. definition.Arguments],
                    EnvironmentVariables = new Dictionary<string, string?>(definition.EnvironmentVariables, StringComparer.Ordinal),
                    WorkingDirectory = definition.WorkingDirectory,
                    StandardErrorLines = line =>
                    {
                        Log.McpServerStderr(logger, definition.Name, line);
                        stderr.Enqueue(line);
                        while (stderr.Count > StderrLinesKept && stderr.TryDequeue(out _))
                        {
                        }
                    },
                },
                loggerFactory);
        }

        return new HttpClientTransport(
            new HttpClientTransportOptions
            {
                Name = definition.Name,
                Endpoint = definition.Url!,
                TransportMode = definition.Transport == McpServerTransportKind.Sse ? HttpTransportMode.Sse : HttpTransportMode.AutoDetect,
                AdditionalHeaders = new Dictionary<string, string>(definition.Headers, StringComparer.OrdinalIgnoreCase),
            },
            loggerFactory);
    }

    private static string Describe(McpServerDefinition definition) => definition.Transport == McpServerTransportKind.Stdio
        ? $"stdio: {definition.Command} {string.Join(' ', definition.Arguments)}".TrimEnd()
        : $"{definition.Transport.ToString().ToUpperInvariant()}: {definition.Url}";
}
