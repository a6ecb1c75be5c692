using System.Reflection;
using System.Runtime.CompilerServices;

namespace IpyBox.AI.Tests;

/// <summary>
/// Per-sandbox state lives in the decorator that owns it (found through <see cref="ISandbox.GetService"/>), never in a static
/// table keyed by a sandbox: such a table ties state to a wrapper's identity and is shared by every user of the process.
/// </summary>
public sealed class StaticStateTests
{
    [Fact]
    public void No_static_field_of_the_library_keeps_state_per_sandbox()
    {
        var offenders = typeof(ISandbox).Assembly.GetTypes()
            .SelectMany(type => type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(field => !field.IsLiteral && IsPerSandboxState(field.FieldType))
            .Select(field => $"{field.DeclaringType!.FullName}.{field.Name}")
            .ToList();

        Assert.True(offenders.Count == 0, $"Static per-sandbox state: {string.Join(", ", offenders)}");
    }

    private static bool IsPerSandboxState(Type type) =>
        (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ConditionalWeakTable<,>))
        || (type.IsGenericType && type.GetGenericArguments().Any(argument => typeof(ISandbox).IsAssignableFrom(argument)));
}
