using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>
/// The Docker backend's <see cref="ISandboxSnapshots"/>: a snapshot is an image, <c>ipybox-snapshot:&lt;name&gt;</c>, made from the
/// sandbox's image with its <c>/app</c> and package directory copied in. A sandbox started from it gets fresh volumes that
/// the engine fills from the image, so a snapshot serves any number of sandboxes and pools without being copied by hand.
/// </summary>
/// <remarks>
/// The copy is made in a builder container that is created and never started (no process of the sandbox's runs there);
/// the files come through the engine's archive API (volumes, running or stopped sandbox), or for a package directory on a
/// tmpfs, which only a running container sees, through <c>/bin/tar</c> run in the sandbox.
/// </remarks>
internal sealed class DockerSnapshots : ISandboxSnapshots
{
    /// <summary>The repository of every snapshot's image; the tag is the snapshot's name.</summary>
    public const string Repository = SnapshotImages.Repository;

    private const int MaxNameLength = 100;

    private readonly DockerSandboxProvider _provider;
    private readonly ILogger _logger;

    public DockerSnapshots(DockerSandboxProvider provider, ILoggerFactory loggerFactory)
    {
        _provider = provider;
        _logger = loggerFactory.CreateLogger<DockerSnapshots>();
    }

    /// <summary>Returns the image of the snapshot <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is not a valid snapshot name.</exception>
    /// <exception cref="IpyBoxException">No snapshot has this name on the provider's engine.</exception>
    public static async Task<string> FindImageAsync(DockerSandboxProvider provider, string name, CancellationToken cancellationToken)
    {
        ValidateName(name);
        using var engine = await ConnectAsync(provider, cancellationToken).ConfigureAwait(false);
        var image = ImageOf(name);
        var inspected = await engine.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
        if (inspected?.Config?.Labels is not { } labels || !labels.TryGetValue(ContainerLabels.Snapshot, out var held) || held != name)
        {
            throw new IpyBoxException(
                $"No snapshot named '{name}' is on the engine at {engine.Endpoint.Uri}. ISandboxSnapshots.ListSnapshotsAsync lists those there.");
        }

        return image;
    }

    public async Task<SandboxSnapshot> CreateSnapshotAsync(string sandboxId, string name, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        using var engine = await ConnectAsync(_provider, cancellationToken).ConfigureAwait(false);
        var source = await ExecutionContainer.FindSandboxAsync(engine, sandboxId, cancellationToken).ConfigureAwait(false);
        var image = source.Config?.Image ?? source.Image;
        var imageConfig = await engine.InspectImageAsync(image, cancellationToken).ConfigureAwait(false)
            ?? throw new IpyBoxException($"The image {image} of sandbox {source.ID} is gone from the engine; a snapshot extends it, so none can be made.");
        var directories = new List<string> { AppPath.Root };
        if (SandboxFileSystem.UserBase(imageConfig) is { } userBase)
        {
            directories.Add(userBase);
        }

        var builderLabels = ContainerLabels.For(image, []);
        var builder = await engine.CreateContainerAsync(
            new CreateContainerParameters
            {
                Image = image,
                Labels = builderLabels,
                HostConfig = new HostConfig { NetworkMode = "none" },
            },
            CancellationToken.None).ConfigureAwait(false);
        try
        {
            foreach (var directory in directories)
            {
                await CopyAsync(engine, source, builder, directory, cancellationToken).ConfigureAwait(false);
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [ContainerLabels.Managed] = "true",
                [ContainerLabels.Snapshot] = name,
                [ContainerLabels.SnapshotSource] = source.ID,
                [ContainerLabels.Image] = ExecutionContainer.LabelsOf(source).TryGetValue(ContainerLabels.Image, out var runtime) ? runtime : image,
            };
            var imageId = await engine.CommitContainerAsync(builder, Repository, name, labels, cancellationToken).ConfigureAwait(false);
            Log.SnapshotCreated(_logger, name, source.ID, imageId);
            return await DescribeAsync(engine, name, cancellationToken).ConfigureAwait(false)
                ?? throw new IpyBoxException($"The snapshot '{name}' was made but is gone from the engine already.");
        }
        finally
        {
            await engine.RemoveContainerAsync(builder, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<SandboxSnapshot>> ListSnapshotsAsync(CancellationToken cancellationToken = default)
    {
        using var engine = await ConnectAsync(_provider, cancellationToken).ConfigureAwait(false);
        return await ListCoreAsync(engine, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteSnapshotAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        using var engine = await ConnectAsync(_provider, cancellationToken).ConfigureAwait(false);
        if (await DescribeAsync(engine, name, cancellationToken).ConfigureAwait(false) is null)
        {
            return false;
        }

        // Forced: the name goes at once; the layers stay while sandboxes started from the snapshot use them.
        return await engine.RemoveImageAsync(ImageOf(name), force: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Throws when <paramref name="name"/> is not a snapshot name (an image tag: letters, digits, '.', '_' and '-').</summary>
    /// <exception cref="ArgumentException">The name is empty, too long, or has another character.</exception>
    internal static void ValidateName(string name)
    {
        if (name is not { Length: > 0 and <= MaxNameLength }
            || !char.IsAsciiLetterOrDigit(name[0])
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new ArgumentException(
                $"'{name}' is not a snapshot name: use 1 to {MaxNameLength} letters, digits, '.', '_' and '-', starting with a letter or digit.", nameof(name));
        }
    }

    private static string ImageOf(string name) => SnapshotImages.ImageOf(name);

    /// <summary>Copies <paramref name="directory"/> of the sandbox into the builder: through the archive API, or with tar in the sandbox when it is a tmpfs there.</summary>
    private static async Task CopyAsync(DockerOperations engine, ContainerInspectResponse source, string builder, string directory, CancellationToken cancellationToken)
    {
        var parent = Path.GetDirectoryName(directory) is { Length: > 0 } p ? p : "/";
        if (source.HostConfig?.Tmpfs?.ContainsKey(directory) == true)
        {
            if (source.State?.Running != true || source.State.Paused)
            {
                throw new IpyBoxException(
                    $"The packages of sandbox {source.ID} live in memory (a tmpfs at {directory}) and it is not running, so they cannot be saved; resume it first. Durable sandboxes keep them on disk.");
            }

            var result = await engine.ExecStreamingAsync(
                source.ID,
                ["/bin/tar", "-C", parent, "-cf", "-", Path.GetFileName(directory)],
                output => engine.PutArchiveAsync(builder, parent, output, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw new IpyBoxException($"Reading {directory} of sandbox {source.ID} failed (tar exited with {result.ExitCode}): {result.StandardError.Trim()}");
            }

            return;
        }

        var archive = await engine.GetArchiveAsync(source.ID, directory, cancellationToken).ConfigureAwait(false);
        if (archive is not null)
        {
            await using (archive.ConfigureAwait(false))
            {
                await engine.PutArchiveAsync(builder, parent, archive, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<SandboxSnapshot?> DescribeAsync(DockerOperations engine, string name, CancellationToken cancellationToken) =>
        (await ListCoreAsync(engine, cancellationToken).ConfigureAwait(false)).FirstOrDefault(snapshot => snapshot.Name == name);

    private static async Task<IReadOnlyList<SandboxSnapshot>> ListCoreAsync(DockerOperations engine, CancellationToken cancellationToken)
    {
        var images = await engine.ListImagesAsync([$"{ContainerLabels.Managed}=true", ContainerLabels.Snapshot], cancellationToken).ConfigureAwait(false);
        var snapshots = new List<SandboxSnapshot>();
        foreach (var image in images.Where(image => image.RepoTags?.Contains(ImageOf(image.Labels[ContainerLabels.Snapshot])) == true))
        {
            // A snapshot is one committed layer on the image it extends; the list's own sizes count that image too.
            snapshots.Add(new SandboxSnapshot(
                image.Labels[ContainerLabels.Snapshot],
                image.Labels.TryGetValue(ContainerLabels.SnapshotSource, out var source) ? source : string.Empty,
                new DateTimeOffset(DateTime.SpecifyKind(image.Created, DateTimeKind.Utc)),
                await engine.NewestLayerSizeAsync(image.ID, cancellationToken).ConfigureAwait(false)));
        }

        return [.. snapshots.OrderByDescending(snapshot => snapshot.Created)];
    }

    private static Task<DockerOperations> ConnectAsync(DockerSandboxProvider provider, CancellationToken cancellationToken) =>
        DockerOperations.ConnectAsync(provider.ResolveEndpoint(), TimeSpan.FromSeconds(300), provider.ContainerOptions.TimeProvider, cancellationToken);
}
