namespace IpyBox.AI.Tests;

/// <summary>What a cell of a <see cref="FakeSandbox"/> ends with, as the kernel client reports it.</summary>
internal static class FakeCells
{
    /// <summary>A cell that printed <paramref name="text"/> (if any) and displayed <paramref name="images"/> tiny PNGs.</summary>
    public static Execution Prints(string? text, int images = 0) =>
        Execution.FromResult(new ExecutionResult(
            text,
            stdout: text ?? string.Empty,
            images: [.. Enumerable.Range(0, images).Select(_ => new ExecutionImage(Convert.FromBase64String(Frames.TinyPng), "image/png", 3, 2))]));

    /// <summary>A cell that printed <paramref name="textBefore"/> and then raised a Python exception.</summary>
    public static Execution Raises(string name, string value, string? textBefore, params string[] traceback) =>
        Execution.FromException(new ExecutionException(name, value, string.Join('\n', traceback), new ExecutionResult(textBefore, stdout: textBefore ?? string.Empty)));

    /// <summary>A cell that ended with <paramref name="failure"/>: a timeout, a dead kernel, a lost connection.</summary>
    public static Execution Fails(Exception failure) => Execution.FromException(failure);

    /// <summary>The submit callback of a sandbox whose every cell ends as <paramref name="cell"/> says.</summary>
    public static Func<FakeSubmission, CancellationToken, Task<Execution>> Always(Func<Execution> cell) => (_, _) => Task.FromResult(cell());
}
