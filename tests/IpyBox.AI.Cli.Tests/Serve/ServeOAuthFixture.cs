namespace IpyBox.AI.Cli.Tests.Serve;

/// <summary>
/// Two authorization servers (one signing with RSA, one with EC) and one <c>ipybox serve</c> that accepts the access tokens of
/// both, requires the scope <see cref="Scope"/>, and also knows the bearer tokens of <see cref="ServeProcess.Tokens"/>. The
/// server logs at Debug, so that a token that reached its log would be seen.
/// </summary>
public sealed class ServeOAuthFixture : IAsyncLifetime
{
    /// <summary>The scope every access token must grant.</summary>
    public const string Scope = "sandboxes:use";

    /// <summary>Gets the test run's id, which labels the server's sandboxes.</summary>
    public string RunId { get; } = DockerEngine.NewRunId();

    /// <summary>Gets the first authorization server (RS256).</summary>
    public TestIssuer First { get; } = TestIssuer.Start("first");

    /// <summary>Gets the second authorization server (ES256).</summary>
    public TestIssuer Second { get; } = TestIssuer.Start("second", elliptic: true);

    /// <summary>Gets the server.</summary>
    public ServeProcess Server { get; private set; } = null!;

    /// <summary>Gets the audience the server accepts by default: its own <c>/mcp</c> URL.</summary>
    public string Audience => Server.Endpoint.ToString();

    public async Task InitializeAsync()
    {
        await DockerEngine.EnsureAvailableAsync();
        Server = await ServeProcess.StartAsync(
            RunId,
            withTokens: true,
            "--oauth-issuer", First.Issuer, "--oauth-issuer", Second.Issuer, "--oauth-scope", Scope, "--log-level", "Debug");
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        First.Dispose();
        Second.Dispose();
        await ServeProcess.RemoveSandboxesAsync(RunId);
    }
}
