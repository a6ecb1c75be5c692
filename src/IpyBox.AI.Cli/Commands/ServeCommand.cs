using System.CommandLine;
using IpyBox.AI.Cli.Serve;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI.Cli.Commands;

/// <summary><c>ipybox serve</c>: sandboxes as a remote MCP service over streamable HTTP, with bearer tokens per principal and OAuth 2.1 access tokens.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string[]>("--urls")
        {
            Description = $"An address to listen on, http://HOST:PORT. Repeatable. Default: {ServeOptions.DefaultUrl} (loopback). A non-loopback address needs tokens or --oauth-issuer.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var tokensFile = new Option<FileInfo?>("--tokens-file")
        {
            Description = $"A file of 'principal: token' lines, one per client identity. Without it, the tokens come from {BearerTokens.EnvironmentVariable} (the same lines, or separated by ';').",
        };
        var oauthIssuer = new Option<string[]>("--oauth-issuer")
        {
            Description = "Accept OAuth 2.1 access tokens (JWTs) of this authorization server: its issuer URL, whose /.well-known/openid-configuration names its keys. Repeatable. https unless loopback.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var oauthAudience = new Option<string?>("--oauth-audience")
        {
            Description = "The audience a token must carry: the URL clients reach /mcp by (RFC 8707 resource). Default: the first --urls address + /mcp.",
        };
        var oauthScope = new Option<string[]>("--oauth-scope")
        {
            Description = "A scope every access token must grant (else 403 insufficient_scope). Repeatable. Default: none required.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var oauthPrincipalClaim = new Option<string?>("--oauth-principal-claim")
        {
            Description = $"The token claim that names the principal, qualified by the issuer as ISSUER#VALUE. Default: {ServeOAuthOptions.DefaultPrincipalClaim}.",
        };
        var oauthKeysFile = new Option<FileInfo?>("--oauth-jwks-file")
        {
            Description = "A JSON Web Key Set file with the issuers' signing keys, instead of fetching them from the issuers' metadata (offline use).",
        };
        var maxSandboxes = new Option<int>("--max-sandboxes")
        {
            Description = "The most sandboxes one principal may have.",
            DefaultValueFactory = _ => 10,
        };
        var maxExecutions = new Option<int>("--max-executions")
        {
            Description = "The most cells and installations one principal may run at once.",
            DefaultValueFactory = _ => 4,
        };
        var lease = new Option<string>("--lease")
        {
            Description = "How long an unused sandbox is kept (renewed while in use), e.g. 30m, 1h, 2d.",
            DefaultValueFactory = _ => "1h",
        };
        var maxFileSize = new Option<string>("--max-file-size")
        {
            Description = "The largest file upload_file and download_file carry inline, e.g. 8m.",
            DefaultValueFactory = _ => "8m",
        };
        var maxRequestSize = new Option<string>("--max-request-size")
        {
            Description = "The largest request body the service reads, e.g. 16m.",
            DefaultValueFactory = _ => "16m",
        };
        var mcpConfig = new Option<FileInfo?>("--mcp-config")
        {
            Description = "A JSON file in the common mcpServers format (as for ipybox mcp). Each server's tools become a Python package (mcptools.<name>) that code in every served sandbox can import and call; stdio servers are started on this host, once for all sandboxes.",
        };
        var toolApproval = new Option<string>("--tool-approval")
        {
            Description = "'approve' lets sandbox code call the --mcp-config servers' tools; 'deny' rejects every call (the packages can still be imported and read).",
            DefaultValueFactory = _ => "approve",
        };
        toolApproval.AcceptOnlyFromAmong("approve", "deny");
        var shutdownTimeout = new Option<string>("--shutdown-timeout")
        {
            Description = "How long running cells may take to finish after SIGTERM or Ctrl+C before they are interrupted, e.g. 30s, 2m.",
            DefaultValueFactory = _ => "30s",
        };
        var networkArguments = new NetworkArguments("the sandboxes");
        var logLevel = new Option<LogLevel>("--log-level")
        {
            Description = "Minimum level of the log written to stderr.",
            DefaultValueFactory = _ => LogLevel.Information,
        };
        var logFormat = new Option<string>("--log-format")
        {
            Description = "The log on stderr: 'text' (one line per event) or 'json' (one JSON object per line, for log collectors).",
            DefaultValueFactory = _ => "text",
        };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var container = new ContainerArguments();

        var command = new Command("serve", "Serve sandboxes to remote MCP clients over streamable HTTP (endpoint /mcp, stateless), each client a principal with its own bearer token or OAuth access token.")
        {
            urls, tokensFile, oauthIssuer, oauthAudience, oauthScope, oauthPrincipalClaim, oauthKeysFile, maxSandboxes, maxExecutions, lease, maxFileSize, maxRequestSize, mcpConfig, toolApproval, shutdownTimeout, logLevel, logFormat,
        };
        container.AddTo(command);
        networkArguments.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (networkArguments.Conflict(parse) is { } conflict)
            {
                Console.Error.WriteLine(conflict);
                return ExitCodes.Failure;
            }

            ServeOptions options;
            ExecutionContainerOptions containerOptions;
            try
            {
                string[] listenUrls = parse.GetValue(urls) is { Length: > 0 } given ? given : [ServeOptions.DefaultUrl];
                options = new ServeOptions
                {
                    Urls = listenUrls,
                    Tokens = BearerTokens.Load(parse.GetValue(tokensFile)),
                    OAuth = ServeOAuthOptions.Create(
                        parse.GetValue(oauthIssuer) ?? [],
                        parse.GetValue(oauthAudience),
                        parse.GetValue(oauthScope) ?? [],
                        parse.GetValue(oauthPrincipalClaim),
                        parse.GetValue(oauthKeysFile),
                        listenUrls),
                    MaxSandboxesPerPrincipal = Positive(parse.GetValue(maxSandboxes), "--max-sandboxes"),
                    MaxConcurrentExecutionsPerPrincipal = Positive(parse.GetValue(maxExecutions), "--max-executions"),
                    Lease = Duration.Parse(parse.GetValue(lease)!, "--lease"),
                    MaxFileBytes = ByteSize.Parse(parse.GetValue(maxFileSize)!, "--max-file-size"),
                    MaxRequestBodyBytes = ByteSize.Parse(parse.GetValue(maxRequestSize)!, "--max-request-size"),
                    McpServers = parse.GetValue(mcpConfig) is { } configFile ? await McpConfiguration.LoadAsync(configFile.FullName, cancellationToken) : [],
                    DenyHostToolCalls = parse.GetValue(toolApproval) == "deny",
                    JsonLogs = parse.GetValue(logFormat) == "json",
                    ShutdownTimeout = Duration.Parse(parse.GetValue(shutdownTimeout)!, "--shutdown-timeout"),
                };
                if (options.Tokens.Count == 0 && options.OAuth is null && ListenAddresses.NotLoopback(options.Urls) is { Count: > 0 } open)
                {
                    Console.Error.WriteLine(
                        $"error: refusing to listen on {string.Join(", ", open)} without authentication: anyone who can reach it could run code. " +
                        $"Give tokens with --tokens-file or {BearerTokens.EnvironmentVariable}, accept OAuth access tokens with --oauth-issuer, or listen on loopback only (e.g. {ServeOptions.DefaultUrl}).");
                    return ExitCodes.Failure;
                }

                containerOptions = container.ToOptions(parse);
                networkArguments.ApplyTo(containerOptions, parse);

                containerOptions.Validate();
                if (containerOptions.AppSizeLimitBytes is not null)
                {
                    // The service's sandboxes are durable, and a stop would lose an /app held in memory.
                    Console.Error.WriteLine("error: --app-size cannot be used with serve: its sandboxes outlive a stop, which would lose an /app kept in memory. Leave it out.");
                    return ExitCodes.Failure;
                }
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or FormatException or McpServerException)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Failure;
            }

            await using var app = ServeHost.Build(options, containerOptions, parse.GetValue(logLevel));
            try
            {
                await ((IHost)app).RunAsync(cancellationToken);
            }
            catch (IOException ex)
            {
                // The address is taken or cannot be bound.
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Failure;
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static int Positive(int value, string optionName) =>
        value > 0 ? value : throw new ArgumentException($"{optionName} must be at least 1.");
}
