namespace IpyBox.AI;

/// <summary>
/// An MCP server whose tools sandbox code may call: a process started on the host (<see cref="McpServerTransportKind.Stdio"/>)
/// or a server reached by URL (<see cref="McpServerTransportKind.Http"/>, <see cref="McpServerTransportKind.Sse"/>).
/// Its tools become the Python package named after <see cref="Name"/> (see <see cref="McpServerConnection"/>).
/// </summary>
public sealed class McpServerDefinition
{
    /// <summary>Gets or sets the server's name; the Python package of its tools is named after it.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets how the server is reached.</summary>
    /// <value>The default value is <see cref="McpServerTransportKind.Stdio"/>.</value>
    public McpServerTransportKind Transport { get; set; }

    /// <summary>Gets or sets the program that starts a stdio server (searched on the host's <c>PATH</c>).</summary>
    public string? Command { get; set; }

    /// <summary>Gets the arguments of <see cref="Command"/>.</summary>
    public IList<string> Arguments { get; } = [];

    /// <summary>
    /// Gets the environment variables of a stdio server's process, on top of those it inherits from the host process;
    /// a <see langword="null"/> value removes an inherited variable.
    /// </summary>
    public IDictionary<string, string?> EnvironmentVariables { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>Gets or sets the working directory of a stdio server's process; <see langword="null"/> for the host process's.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Gets or sets the endpoint of an HTTP or SSE server.</summary>
    public Uri? Url { get; set; }

    /// <summary>Gets the HTTP headers sent with every request to an HTTP or SSE server (for example <c>Authorization</c>).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets how long starting or reaching the server and listing its tools may take.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Creates the definition of a server started on the host that speaks MCP over stdio.</summary>
    /// <param name="name">The server's name; its tools become the Python package of that name.</param>
    /// <param name="command">The program to start.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>The definition; add environment variables or a working directory before use.</returns>
    public static McpServerDefinition Stdio(string name, string command, params IEnumerable<string> arguments)
    {
        var definition = new McpServerDefinition { Name = name, Transport = McpServerTransportKind.Stdio, Command = command };
        foreach (var argument in Throw.IfNull(arguments))
        {
            definition.Arguments.Add(argument);
        }

        return definition;
    }

    /// <summary>Creates the definition of a server reached over streamable HTTP (falling back to SSE when that is all it offers).</summary>
    /// <param name="name">The server's name; its tools become the Python package of that name.</param>
    /// <param name="url">The server's MCP endpoint.</param>
    /// <returns>The definition; add headers before use.</returns>
    public static McpServerDefinition Http(string name, Uri url) => new() { Name = name, Transport = McpServerTransportKind.Http, Url = url };

    /// <summary>Creates the definition of a server reached over the older HTTP with server-sent events (SSE) transport.</summary>
    /// <param name="name">The server's name; its tools become the Python package of that name.</param>
    /// <param name="url">The server's SSE endpoint.</param>
    /// <returns>The definition; add headers before use.</returns>
    public static McpServerDefinition Sse(string name, Uri url) => new() { Name = name, Transport = McpServerTransportKind.Sse, Url = url };

    /// <summary>Checks the definition and throws an error that says how to fix the first problem found.</summary>
    /// <exception cref="ArgumentException">A setting is missing or invalid.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException("An MCP server needs a name; its tools become the Python package of that name.");
        }

        if (!Enum.IsDefined(Transport))
        {
            throw new ArgumentException($"MCP server '{Name}': transport {Transport} is not a defined value.");
        }

        if (ConnectTimeout <= TimeSpan.Zero && ConnectTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"MCP server '{Name}': ConnectTimeout must be positive (or Timeout.InfiniteTimeSpan).");
        }

        if (Transport == McpServerTransportKind.Stdio)
        {
            if (string.IsNullOrWhiteSpace(Command))
            {
                throw new ArgumentException($"MCP server '{Name}' is a stdio server but has no command; set Command to the program that starts it.");
            }

            return;
        }

        if (Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"MCP server '{Name}' is reached over {Transport} but has no absolute http(s) URL; set Url to its endpoint.");
        }
    }
}
