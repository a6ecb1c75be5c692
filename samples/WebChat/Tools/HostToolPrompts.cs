using IpyBox.AI;

/// <summary>
/// The tool bridge's approval handler: a host tool call from a sandbox's code waits, with the cell, until the user of that
/// sandbox's conversation approves or declines it on the page.
/// </summary>
internal sealed class HostToolPrompts(ConversationStore conversations)
{
    public async ValueTask<HostToolApproval> ApproveAsync(HostToolApprovalRequest request, CancellationToken cancellationToken)
    {
        if (conversations.BySandbox(request.Sandbox.Id) is not { } conversation)
        {
            return HostToolApproval.Reject("No conversation of this web chat owns the sandbox.");
        }

        var id = "host-" + request.Call.CallId;
        var prompt = new { id, kind = "host-tool", name = $"{request.SetName}.{request.Tool.Name}", code = ToolCallText.Of(request.Call) };
        return await conversation.AskHostToolAsync(id, prompt, cancellationToken)
            ? HostToolApproval.Approve()
            : HostToolApproval.Reject("The user declined the call.");
    }
}
