namespace IpyBox.AI;

/// <summary>What every cell's code must be before it is sent to a kernel.</summary>
internal static class CellCode
{
    /// <summary>Refuses code a kernel cannot take: a NUL character makes the kernel fail without ever replying.</summary>
    /// <param name="code">The code of the cell.</param>
    /// <exception cref="ArgumentException">The code contains a NUL character.</exception>
    public static void ThrowIfUnrunnable(string code)
    {
        var index = code.IndexOf('\0', StringComparison.Ordinal);
        if (index >= 0)
        {
            throw new ArgumentException(
                $"The code contains a NUL character (\\0) at index {index}; a kernel cannot run it. Remove the NUL character, or write it as the escape '\\x00' inside a Python string.",
                nameof(code));
        }
    }
}
