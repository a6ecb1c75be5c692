namespace IpyBox.AI;

/// <summary>Builds the runtime image explicitly: another tag, extra Python requirements, a root variant or another base image.</summary>
/// <remarks>
/// <see cref="ExecutionContainer"/> builds the default image by itself when it is missing; use this to prepare it ahead of
/// time or to bake packages into an image of your own.
/// </remarks>
public static class RuntimeImageBuilder
{
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Builds the runtime image from the context embedded in the library.</summary>
    /// <param name="options">The build settings; <see langword="null"/> for the default image.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>The tag of the built image.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="FileNotFoundException">The requirements file does not exist.</exception>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    /// <exception cref="ImageBuildException">The build failed; <see cref="ImageBuildException.Output"/> holds its output.</exception>
    public static async Task<string> BuildAsync(RuntimeImageBuildOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RuntimeImageBuildOptions();
        options.Validate();
        var tag = options.EffectiveTag;

        var buildArgs = new Dictionary<string, string>(StringComparer.Ordinal) { ["IMAGE_VERSION"] = RuntimeImage.Version };
        if (options.RunAsRoot)
        {
            buildArgs["RUN_AS"] = "root";
        }

        if (options.BaseImage is not null)
        {
            buildArgs["BASE_IMAGE"] = options.BaseImage;
        }

        var extraFiles = options.RequirementsFile is null
            ? null
            : RequirementsContext.Create(options.RequirementsFile, RuntimeImage.ContextFiles["Dockerfile"]);

        using var engine = new DockerOperations(DockerEndpoint.Resolve(options.DockerEndpoint), s_buildTimeout);
        await engine.PingAsync(cancellationToken).ConfigureAwait(false);
        using var context = RuntimeImage.CreateContextArchive(extraFiles);
        await engine.BuildImageAsync(tag, context, buildArgs, options.Progress, cancellationToken).ConfigureAwait(false);
        return tag;
    }
}
