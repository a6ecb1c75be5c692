namespace IpyBox.AI.SoakBench;

/// <summary>An operation ended without an error but with the wrong result.</summary>
internal sealed class SoakCheckException(string message) : Exception(message);
