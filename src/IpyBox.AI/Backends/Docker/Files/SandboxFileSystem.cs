using System.Globalization;
using Docker.DotNet.Models;

namespace IpyBox.AI;

/// <summary>
/// Where a sandbox container may write, and how much: <c>/app</c> as a size-limited in-memory volume, and, with a
/// read-only root file system, tmpfs mounts for <c>/tmp</c>, the kernel user's home and the package directory. A sandbox
/// whose packages must be kept (a durable one, whose stop would empty a tmpfs, or one started from a snapshot, whose
/// packages the engine copies into a new volume but never into a tmpfs) gets its package directory on a volume instead.
/// </summary>
/// <remarks>
/// <c>/app</c> is a volume rather than a tmpfs mount because the engine's archive API (uploads, downloads) reaches
/// volumes but not tmpfs mounts, which exist only inside the container's mount namespace. The engine's overlay2 driver
/// limits a container's writable layer only on XFS with project quotas (<c>--storage-opt size</c>), so tmpfs sizes are
/// the limit that works on every engine.
/// </remarks>
internal sealed class SandboxFileSystem
{
    private const string TmpfsFlags = "rw,nosuid,nodev";

    private SandboxFileSystem(IList<Mount> mounts, IDictionary<string, string> tmpfs, string? home)
    {
        Mounts = mounts;
        Tmpfs = tmpfs;
        Home = home;
    }

    /// <summary>Gets the volume mounts (<c>/app</c>).</summary>
    public IList<Mount> Mounts { get; }

    /// <summary>Gets the tmpfs mounts: target → mount options.</summary>
    public IDictionary<string, string> Tmpfs { get; }

    /// <summary>Gets the home directory to set as <c>HOME</c> when the image's user has no name to derive it from, else <see langword="null"/>.</summary>
    public string? Home { get; }

    /// <summary>Lays out the writable places of a container of <paramref name="image"/>.</summary>
    /// <param name="options">The container options.</param>
    /// <param name="image">The image's configuration.</param>
    /// <param name="labels">The container's labels, also put on its volumes.</param>
    /// <param name="keepsPackages">Whether the package directory goes on a volume (on the engine's disk) instead of a tmpfs.</param>
    public static SandboxFileSystem For(ExecutionContainerOptions options, ImageInspectResponse image, IDictionary<string, string> labels, bool keepsPackages = false)
    {
        var user = (image.Config?.User ?? string.Empty).Split(':')[0];
        var runsAsRoot = user is "" or "root" or "0";
        var isNumeric = uint.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out var numericUser);
        var owner = runsAsRoot ? 0 : isNumeric ? (int)numericUser : HostDirectory.KernelUserId;
        var ownership = $"uid={owner},gid={owner}";

        var mounts = new List<Mount>();
        if (options.AppSizeLimitBytes is { } appSize)
        {
            mounts.Add(Volume(AppPath.Root, labels, new Driver
            {
                Name = "local",
                Options = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["type"] = "tmpfs",
                    ["device"] = "tmpfs",
                    ["o"] = $"size={appSize},{ownership},mode=0755",
                },
            }));
        }
        else if (options.ReadOnlyRootFilesystem)
        {
            // On the engine's disk, without a size limit; it outlives a stopped container, so its files can be rescued.
            mounts.Add(DiskVolume(AppPath.Root, labels));
        }

        var tmpfs = new Dictionary<string, string>(StringComparer.Ordinal);
        string? home = null;
        if (options.ReadOnlyRootFilesystem)
        {
            var size = $"size={options.ScratchSizeLimitBytes}";
            tmpfs["/tmp"] = $"{TmpfsFlags},{size}";
            var homeDirectory = runsAsRoot ? "/root" : isNumeric ? $"/home/{owner}" : $"/home/{user}";
            home = isNumeric ? homeDirectory : null;
            tmpfs[homeDirectory] = $"{TmpfsFlags},{size},{ownership},mode=0700";
            if (UserBase(image) is { } userBase)
            {
                if (keepsPackages)
                {
                    mounts.Add(DiskVolume(userBase, labels));
                }
                else
                {
                    tmpfs[userBase] = $"{TmpfsFlags},{size},{ownership},mode=0755";
                }
            }
        }

        return new SandboxFileSystem(mounts, tmpfs, home);
    }

    /// <summary>An anonymous volume on the engine's disk, removed with the container, which keeps its files while the container is stopped.</summary>
    private static Mount DiskVolume(string target, IDictionary<string, string> labels) => Volume(target, labels, driver: null);

    /// <summary>An anonymous volume at <paramref name="target"/>, removed with the container; the engine copies the image's files there (owner included) into it.</summary>
    private static Mount Volume(string target, IDictionary<string, string> labels, Driver? driver) => new()
    {
        Type = "volume",
        Target = target,
        VolumeOptions = new VolumeOptions
        {
            // The server's token stays on the container alone.
            Labels = labels.Where(label => label.Key != ContainerLabels.Token).ToDictionary(StringComparer.Ordinal),
            DriverConfig = driver!,
        },
    };

    /// <summary>The image's <c>PYTHONUSERBASE</c>: where <c>pip install</c> puts packages when the environment itself is read-only.</summary>
    internal static string? UserBase(ImageInspectResponse image) =>
        image.Config?.Env?
            .Where(e => e.StartsWith("PYTHONUSERBASE=", StringComparison.Ordinal))
            .Select(e => e["PYTHONUSERBASE=".Length..])
            .FirstOrDefault(path => path.StartsWith('/'));
}
