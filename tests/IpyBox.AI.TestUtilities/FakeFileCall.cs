namespace IpyBox.AI.TestUtilities;

/// <summary>A call of an <see cref="ISandboxFiles"/> method recorded by <see cref="FakeSandboxFiles"/>.</summary>
/// <param name="Operation">The method's name, e.g. <c>nameof(ISandboxFiles.UploadFileAsync)</c>.</param>
/// <param name="RelativePath">The path in the sandbox, relative to <c>/app</c>.</param>
/// <param name="LocalPath">The path on the host, or <see langword="null"/> for operations without one.</param>
public sealed record FakeFileCall(string Operation, string RelativePath, string? LocalPath);
