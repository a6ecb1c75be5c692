namespace IpyBox.AI;

/// <summary>Settings of <see cref="RuntimeImageBuilder.BuildAsync"/>.</summary>
public sealed class RuntimeImageBuildOptions
{
    /// <summary>Gets or sets the tag of the image to build.</summary>
    /// <value>
    /// The default value is <see langword="null"/>: <see cref="RuntimeImage.DefaultTag"/>, or <see cref="RuntimeImage.RootTag"/>
    /// when <see cref="RunAsRoot"/> is set, so containers started without an explicit image use the result.
    /// </value>
    public string? Tag { get; set; }

    /// <summary>Gets or sets a pip requirements file whose packages are installed into the kernel's environment.</summary>
    /// <remarks>
    /// Entries that point at local files or directories (wheels, source archives, project folders, <c>--find-links</c>
    /// folders), relative to the requirements file or absolute, are copied into the build context.
    /// Editable installs (<c>-e</c>) are not supported: the copied sources are removed after the install.
    /// </remarks>
    /// <value>The default value is <see langword="null"/> (no extra packages).</value>
    public string? RequirementsFile { get; set; }

    /// <summary>Gets or sets a value indicating whether the kernel runs as root (no firewall support).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RunAsRoot { get; set; }

    /// <summary>Gets or sets the Debian-based image to build on.</summary>
    /// <value>The default value is <see langword="null"/>: the Dockerfile's default, <c>debian:bookworm-slim</c>.</value>
    public string? BaseImage { get; set; }

    /// <summary>Gets or sets the Docker engine endpoint.</summary>
    /// <value>The default value is <see langword="null"/>: <c>DOCKER_HOST</c>, then the Docker context, then the local socket.</value>
    public Uri? DockerEndpoint { get; set; }

    /// <summary>Gets or sets the sink for the build output, called synchronously and in order.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IProgress<ImageProgress>? Progress { get; set; }

    /// <summary>Gets the tag the build produces: <see cref="Tag"/> or the runtime image's default tag.</summary>
    public string EffectiveTag => Tag ?? (RunAsRoot ? RuntimeImage.RootTag : RuntimeImage.DefaultTag);

    /// <summary>Checks the options and throws an error that says how to fix the first problem found.</summary>
    /// <exception cref="ArgumentException">An option has an invalid value.</exception>
    /// <exception cref="FileNotFoundException">The requirements file does not exist.</exception>
    public void Validate()
    {
        if (Tag is not null && (string.IsNullOrWhiteSpace(Tag) || Tag.Any(char.IsWhiteSpace)))
        {
            throw new ArgumentException($"Tag '{Tag}' is not an image reference; use a name like 'my-sandbox:1'.", nameof(Tag));
        }

        if (BaseImage is not null && (string.IsNullOrWhiteSpace(BaseImage) || BaseImage.Any(char.IsWhiteSpace)))
        {
            throw new ArgumentException($"BaseImage '{BaseImage}' is not an image reference.", nameof(BaseImage));
        }

        if (RequirementsFile is not null && !File.Exists(RequirementsFile))
        {
            throw new FileNotFoundException($"The requirements file '{RequirementsFile}' does not exist.", RequirementsFile);
        }
    }
}
