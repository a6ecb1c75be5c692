using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace IpyBox.AI.Cli.Serve;

/// <summary>
/// The bearer tokens of <c>ipybox serve</c>, one per principal, read from a file or the <c>IPYBOX_SERVE_TOKENS</c> variable as
/// <c>principal: token</c> lines. A presented token is compared with every configured one in constant time (as SHA-256 digests,
/// so neither its length nor its content changes the time taken); tokens are never logged or shown.
/// </summary>
internal sealed partial class BearerTokens
{
    /// <summary>The environment variable that holds tokens when no file is given.</summary>
    public const string EnvironmentVariable = "IPYBOX_SERVE_TOKENS";

    /// <summary>The shortest token accepted: a short token can be guessed.</summary>
    public const int MinimumTokenLength = 16;

    private readonly (string Principal, byte[] Digest)[] _entries;

    private BearerTokens((string Principal, byte[] Digest)[] entries)
    {
        _entries = entries;
    }

    /// <summary>Gets the empty set: no token is configured.</summary>
    public static BearerTokens None { get; } = new([]);

    /// <summary>Gets the number of principals.</summary>
    public int Count => _entries.Length;

    /// <summary>Gets the principals' names.</summary>
    public IEnumerable<string> Principals => _entries.Select(e => e.Principal);

    /// <summary>Reads the tokens from <paramref name="file"/> when given, else from <see cref="EnvironmentVariable"/>; none when neither is set.</summary>
    /// <exception cref="FormatException">A line is malformed, a name or token is invalid, or one is repeated.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static BearerTokens Load(FileInfo? file)
    {
        if (file is not null)
        {
            if (!file.Exists)
            {
                throw new FileNotFoundException($"The tokens file '{file.FullName}' does not exist; fix --tokens-file.", file.FullName);
            }

            return Parse(File.ReadAllText(file.FullName), $"the tokens file '{file.FullName}'");
        }

        return Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } text
            ? Parse(text.Replace(';', '\n'), EnvironmentVariable)
            : None;
    }

    /// <summary>Parses <c>principal: token</c> lines; blank lines and lines starting with <c>#</c> are skipped.</summary>
    /// <param name="text">The lines.</param>
    /// <param name="source">Where they come from, for error messages.</param>
    /// <exception cref="FormatException">A line is malformed, a name or token is invalid, or one is repeated.</exception>
    public static BearerTokens Parse(string text, string source)
    {
        var entries = new List<(string, byte[])>();
        var principals = new HashSet<string>(StringComparer.Ordinal);
        var digests = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var separator = line.IndexOf(':', StringComparison.Ordinal);
            if (separator <= 0)
            {
                throw new FormatException($"Line {number} of {source} is not 'principal: token'.");
            }

            var principal = line[..separator].Trim();
            var token = line[(separator + 1)..].Trim();
            if (!PrincipalName().IsMatch(principal))
            {
                throw new FormatException($"Line {number} of {source}: the principal '{principal}' must be 1 to 64 letters, digits, '.', '_', '-' or '@'.");
            }

            // The token itself is never repeated in a message.
            if (token.Length < MinimumTokenLength || token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw new FormatException($"Line {number} of {source}: the token of '{principal}' must be at least {MinimumTokenLength} characters without spaces (e.g. from 'openssl rand -hex 32').");
            }

            if (!principals.Add(principal))
            {
                throw new FormatException($"Line {number} of {source}: the principal '{principal}' is listed twice.");
            }

            var digest = Digest(token);
            if (!digests.Add(Convert.ToHexString(digest)))
            {
                throw new FormatException($"Line {number} of {source}: the token of '{principal}' is also another principal's; give each principal its own.");
            }

            entries.Add((principal, digest));
        }

        return new BearerTokens([.. entries]);
    }

    /// <summary>Finds the principal a token belongs to, comparing it with every configured token in constant time.</summary>
    /// <param name="token">The presented token.</param>
    /// <returns>The principal, or <see langword="null"/> when no principal has this token.</returns>
    public string? FindPrincipal(string token)
    {
        var digest = Digest(token);
        string? found = null;
        foreach (var (principal, expected) in _entries)
        {
            // No early exit: every entry is compared, whichever matches.
            if (CryptographicOperations.FixedTimeEquals(digest, expected))
            {
                found = principal;
            }
        }

        return found;
    }

    private static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex PrincipalName();
}
