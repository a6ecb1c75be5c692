using System.Text.Json;
using Microsoft.Extensions.AI;

namespace IpyBox.AI.TestUtilities;

/// <summary>An <see cref="AIFunction"/> with a name, description and JSON schema given as text, as an untrusted MCP server would declare them.</summary>
public sealed class SchemaFunction(string name, string description, string schema, Func<AIFunctionArguments, object?>? invoke = null) : AIFunction
{
    private readonly JsonElement _schema = JsonDocument.Parse(schema).RootElement.Clone();

    /// <summary>Gets how many times the function ran.</summary>
    public int Invocations { get; private set; }

    /// <inheritdoc />
    public override string Name => name;

    /// <inheritdoc />
    public override string Description => description;

    /// <inheritdoc />
    public override JsonElement JsonSchema => _schema;

    /// <inheritdoc />
    protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        Invocations++;
        return ValueTask.FromResult(invoke?.Invoke(arguments));
    }
}
