namespace IpyBox.AI;

/// <summary>Settings of a <see cref="JupyterServerSandboxProvider"/>: where the server is, how to authenticate, and the limits of file transfer.</summary>
public sealed class JupyterServerOptions
{
    // The base64 form of the largest file must fit in one .NET array.
    private const long MaxFileBytesLimit = 1L << 30;

    /// <summary>
    /// Gets or sets the server's base address: <c>http</c> or <c>https</c>, with the path prefix the server is published
    /// under if it has one (its <c>ServerApp.base_url</c>, e.g. <c>https://hub.example.com/user/ana/</c>).
    /// </summary>
    /// <value>The default value is <see langword="null"/>; it must be set.</value>
    public Uri? ServerUri { get; set; }

    /// <summary>Gets or sets the server's token, sent as <c>Authorization: token ...</c> on every request.</summary>
    /// <value>The default value is <see langword="null"/>; it must be set.</value>
    public string? Token { get; set; }

    /// <summary>Gets or sets the settings of every kernel client (kernel spec, connect and execution timeouts).</summary>
    /// <value>The default value is a new <see cref="ExecutionClientOptions"/> with its defaults.</value>
    public ExecutionClientOptions Client { get; set; } = new();

    /// <summary>
    /// Gets or sets the largest file that is uploaded or downloaded. The Contents API moves a whole file base64-encoded in
    /// one JSON body, which the server and this process each hold in memory (about 1.4 times the file's size), so larger
    /// files are refused with a <see cref="NotSupportedException"/> before anything is transferred.
    /// </summary>
    /// <value>The default value is 64 MiB; at most 1 GiB.</value>
    public long MaxFileBytes { get; set; } = 64L << 20;

    /// <summary>
    /// Gets or sets how many entries (files and directories) a directory download may walk. The Contents API serves a
    /// symbolic link as what it points to, so a link to a large directory (or to <c>/</c>) would otherwise be walked
    /// without end; past this limit the download fails and its target is left unchanged.
    /// </summary>
    /// <value>The default value is 10,000.</value>
    public int MaxDirectoryEntries { get; set; } = 10_000;

    /// <summary>Gets or sets the time limit of one REST request (a server check, a file transfer, a listing), its answer's body included.</summary>
    /// <remarks>
    /// The server's kernels run code that can take the server over and answer in its place, so an answer that trickles or never
    /// ends is cut at this limit: a <see cref="FileTransferTimeoutException"/> for a file, a directory or a listing (nothing is
    /// left on the host), a <see cref="TimeoutException"/> otherwise.
    /// </remarks>
    /// <value>The default value is 100 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Checks the options and throws an error that says how to fix the first problem found.</summary>
    /// <exception cref="ArgumentException">An option is missing or has an invalid value.</exception>
    public void Validate()
    {
        if (ServerUri is null)
        {
            throw new ArgumentException("ServerUri must be set to the server's base address, e.g. http://127.0.0.1:8888/ or https://host/prefix/.", nameof(ServerUri));
        }

        if (!ServerUri.IsAbsoluteUri || ServerUri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"ServerUri '{ServerUri}' must be an absolute http or https address, e.g. http://127.0.0.1:8888/.", nameof(ServerUri));
        }

        if (ServerUri.Query.Length > 0 || ServerUri.Fragment.Length > 0)
        {
            throw new ArgumentException(
                $"ServerUri '{ServerUri}' must have no query or fragment. A URL such as http://host:8888/?token=abc carries the token: set Token to it and ServerUri to http://host:8888/.",
                nameof(ServerUri));
        }

        if (!string.IsNullOrEmpty(ServerUri.UserInfo))
        {
            throw new ArgumentException("ServerUri must not carry a user name or password; the server authenticates with Token.", nameof(ServerUri));
        }

        if (string.IsNullOrWhiteSpace(Token))
        {
            throw new ArgumentException("Token must be set to the server's token (its ServerApp.token, or the token= value of the URL it prints at start).", nameof(Token));
        }

        if (Client is null)
        {
            throw new ArgumentException("Client must not be null; leave it at its default for the default kernel settings.", nameof(Client));
        }

        Client.Validate();

        if (MaxFileBytes <= 0 || MaxFileBytes > MaxFileBytesLimit)
        {
            throw new ArgumentException($"MaxFileBytes must be between 1 and {MaxFileBytesLimit} (1 GiB); it is {MaxFileBytes}.", nameof(MaxFileBytes));
        }

        if (MaxDirectoryEntries <= 0)
        {
            throw new ArgumentException($"MaxDirectoryEntries must be positive; it is {MaxDirectoryEntries}.", nameof(MaxDirectoryEntries));
        }

        if (RequestTimeout <= TimeSpan.Zero && RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("RequestTimeout must be positive or Timeout.InfiniteTimeSpan.", nameof(RequestTimeout));
        }
    }
}
