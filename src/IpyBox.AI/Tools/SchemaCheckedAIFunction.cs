using System.Text.Json;
using Microsoft.Extensions.AI;

namespace IpyBox.AI;

/// <summary>
/// An IpyBox function that checks the model's arguments against its schema first (<see cref="ToolArguments"/>) and answers
/// a call it cannot bind with a message the model can act on, instead of throwing (which function-invoking chat clients
/// report as a generic failure).
/// </summary>
internal sealed class SchemaCheckedAIFunction(AIFunction innerFunction) : DelegatingAIFunction(innerFunction)
{
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        if (ToolArguments.Check(Name, JsonSchema, arguments) is { } refused)
        {
            return refused;
        }

        try
        {
            return await base.InvokeCoreAsync(arguments, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or InvalidCastException or FormatException)
        {
            // Binding failed on a value the schema check let through; name the schema, not the .NET signature.
            return $"Error: {Name} could not read its arguments. Call it again with {ToolArguments.Usage(JsonSchema)}.";
        }
    }
}
