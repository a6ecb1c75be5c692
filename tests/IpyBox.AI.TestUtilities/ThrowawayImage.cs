using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace IpyBox.AI.TestUtilities;

/// <summary>
/// An image tag that lives for one test, under <c>ipybox-ai-test/</c> with a unique version: built from a Dockerfile, or
/// only reserved for the code under test to build. Disposing it deletes the image if it exists.
/// </summary>
public sealed class ThrowawayImage : IAsyncDisposable
{
    private ThrowawayImage(string tag)
    {
        Tag = tag;
    }

    /// <summary>Gets the tag, e.g. <c>ipybox-ai-test/root:0f3a9c1d</c>.</summary>
    public string Tag { get; }

    /// <summary>Reserves a unique tag without building anything: for tests of code that builds images itself.</summary>
    public static ThrowawayImage Reserve(string name) => new($"ipybox-ai-test/{name}:{Guid.NewGuid().ToString("N")[..8]}");

    /// <summary>Builds a unique tag from <paramref name="dockerfile"/>; a failed build throws with the build output.</summary>
    /// <param name="name">A short name saying what the image is for.</param>
    /// <param name="dockerfile">The Dockerfile, usually <c>FROM</c> <see cref="RuntimeImage.DefaultTag"/> plus a change.</param>
    public static async Task<ThrowawayImage> BuildAsync(string name, string dockerfile)
    {
        var image = Reserve(name);
        var output = new BuildOutput();
        using var client = DockerEngine.CreateClient();
        await using (var context = TarContext.Create(("Dockerfile", dockerfile)))
        {
            var parameters = new ImageBuildParameters { Tags = [image.Tag], Remove = true, ForceRemove = true };
            await client.Images.BuildImageFromDockerfileAsync(parameters, context, null, null, output);
        }

        if (output.Error is not null)
        {
            await image.DisposeAsync();
            throw new InvalidOperationException($"Building the test image {image.Tag} failed: {output.Error}\n{output.Text}");
        }

        return image;
    }

    public async ValueTask DisposeAsync()
    {
        using var client = DockerEngine.CreateClient();
        try
        {
            await client.Images.DeleteImageAsync(Tag, new ImageDeleteParameters { Force = true });
        }
        catch (DockerImageNotFoundException)
        {
        }
    }

    public override string ToString() => Tag;

    /// <summary>Collects the build's output and first error, synchronously and in order.</summary>
    private sealed class BuildOutput : IProgress<JSONMessage>
    {
        private readonly StringBuilder _text = new();

        public string? Error { get; private set; }

        public string Text => _text.ToString();

        public void Report(JSONMessage value)
        {
            if (value.Error?.Message is { Length: > 0 } error)
            {
                Error ??= error.Trim();
            }

            _text.Append(value.Stream);
        }
    }
}
