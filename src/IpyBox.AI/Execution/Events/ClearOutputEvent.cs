namespace IpyBox.AI;

/// <summary>The code asked to clear the outputs shown so far (<c>IPython.display.clear_output</c>, used by progress bars).</summary>
/// <param name="Wait">
/// <see langword="true"/> when the clearing should wait until the next output arrives, so the display does not flicker;
/// <see langword="false"/> to clear at once.
/// </param>
public sealed record ClearOutputEvent(bool Wait) : ExecutionEvent;
