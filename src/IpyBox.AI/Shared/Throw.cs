using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace IpyBox.AI;

/// <summary>Argument checks shared by the library.</summary>
internal static class Throw
{
    public static T IfNull<T>([NotNull] T? argument, [CallerArgumentExpression(nameof(argument))] string? paramName = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(argument, paramName);
        return argument;
    }

    public static string IfNullOrWhiteSpace([NotNull] string? argument, [CallerArgumentExpression(nameof(argument))] string? paramName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(argument, paramName);
        return argument;
    }

    public static TimeSpan IfNotPositive(TimeSpan argument, [CallerArgumentExpression(nameof(argument))] string? paramName = null)
    {
        if (argument <= TimeSpan.Zero && argument != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(paramName, argument, "The value must be a positive time span.");
        }

        return argument;
    }
}
