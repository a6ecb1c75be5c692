using System.ComponentModel;
using System.Text.Json.Serialization;

namespace IpyBox.AI.Cli.Serve;

/// <summary>A Python exception in a <see cref="CellOutput"/>.</summary>
internal sealed class CellOutputError
{
    /// <summary>Gets the exception's class name, e.g. <c>ZeroDivisionError</c>.</summary>
    [JsonPropertyName("name")]
    [Description("The exception's class, e.g. ZeroDivisionError.")]
    public required string Name { get; init; }

    /// <summary>Gets the exception's message.</summary>
    [JsonPropertyName("value")]
    [Description("The exception's message.")]
    public required string Value { get; init; }

    /// <summary>Gets the traceback, without colour codes.</summary>
    [JsonPropertyName("traceback")]
    [Description("The traceback, without colour codes.")]
    public required string Traceback { get; init; }
}
