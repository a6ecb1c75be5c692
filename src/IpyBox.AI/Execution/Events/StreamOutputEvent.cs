namespace IpyBox.AI;

/// <summary>Text the code wrote to stdout or stderr.</summary>
/// <param name="Stream">The stream the text was written to.</param>
/// <param name="Text">The text, as the kernel flushed it (not necessarily whole lines).</param>
public sealed record StreamOutputEvent(OutputStreamName Stream, string Text) : ExecutionEvent;
