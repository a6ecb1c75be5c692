namespace IpyBox.AI;

/// <summary>
/// Output the client did not keep because it exceeded a limit: a kernel message larger than
/// <see cref="ExecutionClientOptions.MaxMessageSize"/> (an image of tens of MB, say), an image cut to fit that limit, or output
/// beyond <see cref="ExecutionClientOptions.MaxOutputLength"/>. It stands where the output would have been; the same marker is in
/// <see cref="ExecutionResult.Text"/>.
/// </summary>
/// <param name="Message">What was dropped and why, e.g. <c>[a display_data message (image/png, text/plain) of 67,108,980 bytes was dropped: ...]</c>.</param>
/// <param name="LimitOption">The option that raises the limit, e.g. <c>ExecutionClientOptions.MaxMessageSize</c>; <see langword="null"/> when no option would have kept it.</param>
public sealed record OutputDroppedEvent(string Message, string? LimitOption) : ExecutionEvent;
