namespace IpyBox.AI.IntegrationTests;

/// <summary>
/// A start that must build or pull its image says so on stderr when nothing else would show it, so a first start does
/// not wait for minutes without a word; with a progress handler it stays quiet there. Runs alone: it replaces stderr.
/// </summary>
[Collection(Name)]
public sealed class FirstUseNoticeTests
{
    public const string Name = "Replaces Console.Error";

    [Fact]
    public async Task Without_progress_or_log_a_missing_image_is_announced_on_stderr_and_with_progress_it_is_not()
    {
        await DockerEngine.EnsureAvailableAsync();
        await using var image = ThrowawayImage.Reserve("notice");

        var quiet = await StartCapturingStderrAsync(new ExecutionContainerOptions { Image = image.Tag });
        var followed = await StartCapturingStderrAsync(new ExecutionContainerOptions { Image = image.Tag, Progress = new Progress<ImageProgress>() });

        Assert.Contains($"IpyBox.AI is pulling image {image.Tag}. Set ExecutionContainerOptions.Progress", quiet, StringComparison.Ordinal);
        Assert.DoesNotContain("IpyBox.AI is pulling", followed, StringComparison.Ordinal);
    }

    /// <summary>Starts a container of an image no registry has (the pull fails) and returns what was written to stderr meanwhile.</summary>
    private static async Task<string> StartCapturingStderrAsync(ExecutionContainerOptions options)
    {
        var original = Console.Error;
        using var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            await Assert.ThrowsAsync<ImageBuildException>(() => ExecutionContainer.StartAsync(options));
        }
        finally
        {
            Console.SetError(original);
        }

        return captured.ToString();
    }
}

[CollectionDefinition(FirstUseNoticeTests.Name, DisableParallelization = true)]
public sealed class ReplacesConsoleErrorCollection;
