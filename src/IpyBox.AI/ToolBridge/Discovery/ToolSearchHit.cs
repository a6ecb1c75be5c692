namespace IpyBox.AI;

/// <summary>A document found by <see cref="ToolSearchIndex.Search"/> and its score (higher is better).</summary>
internal sealed record ToolSearchHit(ToolSearchDocument Document, double Score);
