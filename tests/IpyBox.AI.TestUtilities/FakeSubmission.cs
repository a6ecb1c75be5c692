namespace IpyBox.AI.TestUtilities;

/// <summary>A call of <see cref="ISandbox.SubmitAsync"/> recorded by a <see cref="FakeSandbox"/>.</summary>
/// <param name="Code">The code submitted.</param>
/// <param name="Timeout">The timeout asked for; <see langword="null"/> for the backend's default.</param>
public sealed record FakeSubmission(string Code, TimeSpan? Timeout);
