using Microsoft.Extensions.AI;

namespace IpyBox.AI;

/// <summary>A tool call from code in a sandbox, waiting for the application's approval.</summary>
/// <param name="Sandbox">The sandbox whose code made the call.</param>
/// <param name="SetName">The name of the tool set (<see cref="HostToolSet.Name"/>).</param>
/// <param name="Tool">The tool that would run.</param>
/// <param name="Call">The call: its id, the tool's name and the arguments as the cell passed them (JSON values).</param>
/// <remarks>
/// <see cref="Call"/> is Microsoft.Extensions.AI's <see cref="FunctionCallContent"/>, so an application that approves
/// calls through chat messages can wrap it in a <c>ToolApprovalRequestContent</c>.
/// </remarks>
public sealed record HostToolApprovalRequest(ISandbox Sandbox, string SetName, AIFunction Tool, FunctionCallContent Call);
