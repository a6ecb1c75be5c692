namespace IpyBox.AI;

/// <summary>A tool reported an error (an MCP result with <c>isError</c>, an <see cref="Microsoft.Extensions.AI.ErrorContent"/>): the cell gets a <c>ToolError</c> with this message.</summary>
internal sealed class ToolCallFailedException(string message) : Exception(message);
