using System.Formats.Tar;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpyBox.AI;

/// <summary>
/// The library's runtime image: Jupyter Server with IPython kernels, built from the context embedded in the library.
/// Its tag carries a hash of that context, so a changed context gives a new tag.
/// </summary>
public static class RuntimeImage
{
    /// <summary>The repository part of the runtime image's tags.</summary>
    public const string Repository = "ipybox-ai";

    /// <summary>The label holding the image version.</summary>
    public const string VersionLabel = "ai.ipybox.image-version";

    /// <summary>The label telling the user the kernel runs as (<c>root</c> or <c>ipybox</c>).</summary>
    public const string RunAsLabel = "ai.ipybox.run-as";

    private const string ResourcePrefix = "IpyBox.AI.Docker.";

    private static readonly Lazy<IReadOnlyDictionary<string, byte[]>> s_context = new(LoadContext);
    private static readonly TimeSpan s_provisionTimeout = TimeSpan.FromSeconds(300);
    private static readonly Lazy<string> s_version = new(() => ComputeVersion(s_context.Value));

    /// <summary>Gets the version of the embedded image context (a 12-character content hash).</summary>
    public static string Version => s_version.Value;

    /// <summary>Gets the tag of the default (non-root) runtime image.</summary>
    public static string DefaultTag => $"{Repository}:{Version}";

    /// <summary>Gets the tag of the root variant of the runtime image.</summary>
    public static string RootTag => $"{DefaultTag}-root";

    /// <summary>Gets the files of the embedded image context by name.</summary>
    public static IReadOnlyDictionary<string, byte[]> ContextFiles => s_context.Value;

    /// <summary>
    /// Makes sure a sandbox can start without waiting for an image: checks that the engine answers, then builds the runtime
    /// image from the embedded context or pulls any other image when the engine does not have it yet.
    /// </summary>
    /// <param name="options">The container settings whose <see cref="ExecutionContainerOptions.Image"/> and endpoint are used; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives the build or pull output; <see langword="null"/> for <see cref="ExecutionContainerOptions.Progress"/>.</param>
    /// <param name="cancellationToken">Cancels the check, build or pull.</param>
    /// <returns>The image reference that is now present.</returns>
    /// <exception cref="DockerUnavailableException">No engine answers.</exception>
    /// <exception cref="ImageBuildException">The image is missing and could not be built or pulled.</exception>
    public static async Task<string> EnsureAvailableAsync(ExecutionContainerOptions? options = null, IProgress<ImageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new ExecutionContainerOptions();
        options.Validate();
        var image = options.Image ?? DefaultTag;
        using var engine = new DockerOperations(DockerEndpoint.Resolve(options.DockerEndpoint), s_provisionTimeout, options.TimeProvider);
        await engine.PingAsync(cancellationToken).ConfigureAwait(false);
        await ImageProvisioner.EnsureAsync(engine, image, progress ?? options.Progress, NullLogger.Instance, cancellationToken).ConfigureAwait(false);
        return image;
    }

    /// <summary>Computes the version of an image context: the same value <c>eng/prepare-docker.sh</c> computes.</summary>
    internal static string ComputeVersion(IReadOnlyDictionary<string, byte[]> files)
    {
        var manifest = new StringBuilder();
        foreach (var name in files.Keys.Order(StringComparer.Ordinal))
        {
            manifest.Append(name).Append('\n')
                .Append(Convert.ToHexStringLower(SHA256.HashData(files[name]))).Append('\n');
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(manifest.ToString()));
        return Convert.ToHexStringLower(hash)[..12];
    }

    /// <summary>Writes the embedded context, plus any extra files (which replace context files of the same name), as a tar archive for the engine's build API.</summary>
    internal static MemoryStream CreateContextArchive(IReadOnlyDictionary<string, byte[]>? extraFiles = null)
    {
        var archive = new MemoryStream();
        using (var writer = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
        {
            // Extra files with the name of a context file (e.g. a Dockerfile with more steps) replace it.
            var files = extraFiles is null
                ? s_context.Value
                : s_context.Value.Where(f => !extraFiles.ContainsKey(f.Key)).Concat(extraFiles);
            foreach (var (name, content) in files)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(content, writable: false),
                    Mode = name.EndsWith(".sh", StringComparison.Ordinal)
                        ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
                        : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                };
                writer.WriteEntry(entry);
            }
        }

        archive.Position = 0;
        return archive;
    }

    private static Dictionary<string, byte[]> LoadContext()
    {
        var assembly = typeof(RuntimeImage).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            files[resource[ResourcePrefix.Length..]] = buffer.ToArray();
        }

        if (files.Count == 0)
        {
            throw new InvalidOperationException($"The image context is missing from {assembly.GetName().Name}; the library was built without it.");
        }

        return files;
    }
}
