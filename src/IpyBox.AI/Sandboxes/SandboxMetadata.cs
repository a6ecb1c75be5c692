namespace IpyBox.AI;

/// <summary>The rules for <see cref="SandboxRequest.Metadata"/> keys and values, the same for every backend.</summary>
internal static class SandboxMetadata
{
    /// <summary>The longest key.</summary>
    public const int MaxKeyLength = 64;

    /// <summary>The longest value.</summary>
    public const int MaxValueLength = 1024;

    /// <summary>Throws when a key or value breaks the rules.</summary>
    /// <exception cref="ArgumentException">A key is empty, too long or has a character other than letters, digits, <c>.</c>, <c>_</c> and <c>-</c>; or a value is too long.</exception>
    public static void Validate(IEnumerable<KeyValuePair<string, string>> metadata, string paramName)
    {
        foreach (var (key, value) in metadata)
        {
            if (key is not { Length: > 0 and <= MaxKeyLength } || !key.All(IsKeyCharacter))
            {
                throw new ArgumentException(
                    $"The metadata key '{key}' is not valid: use 1 to {MaxKeyLength} letters, digits, '.', '_' and '-'.", paramName);
            }

            if (value is null || value.Length > MaxValueLength)
            {
                throw new ArgumentException($"The value of metadata key '{key}' is missing or longer than {MaxValueLength} characters.", paramName);
            }
        }
    }

    private static bool IsKeyCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
