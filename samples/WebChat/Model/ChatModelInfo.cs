/// <summary>The chat model the page talks to: its name, and whether it is the demo model.</summary>
internal sealed record ChatModelInfo(string Name, bool IsDemo);
