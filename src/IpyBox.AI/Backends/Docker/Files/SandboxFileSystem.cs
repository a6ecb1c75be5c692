using System.Globalization;
using Docker.DotNet.Models;

namespace IpyBox.AI;

/// <summary>
/// Where a sandbox container may write, and how much: <c>/app</c> as a size-limited in-memory volume, and, with a
/// read-only root file system, tmpfs mounts for <c>/tmp</c>, the kernel user's home and the package directory.
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
    /// <param name="labels">The container's labels, also put on its <c>/app</c> volume.</param>
    public static SandboxFileSystem For(ExecutionContainerOptions options, ImageInspectResponse image, IDictionary<string, string> labels)
    {
        var user = (image.Config?.User ?? string.Empty).Split(':')[0];
        var runsAsRoot = user is "" or "root" or "0";
        var isNumeric = uint.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out var numericUser);
        var owner = runsAsRoot ? 0 : isNumeric ? (int)numericUser : HostDirectory.KernelUserId;
        var ownership = $"uid={owner},gid={owner}";

        var mounts = new List<Mount>();
        if (options.AppSizeLimitBytes is { } appSize)
        {
            mounts.Add(AppVolume(labels, new Driver
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
            mounts.Add(AppVolume(labels, driver: null));
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
                tmpfs[userBase] = $"{TmpfsFlags},{size},{ownership},mode=0755";
            }
        }

        return new SandboxFileSystem(mounts, tmpfs, home);
    }

    /// <summary>An anonymous volume for <c>/app</c>, removed with the container; the engine copies the image's <c>/app</c> (owner included) into it.</summary>
    private static Mount AppVolume(IDictionary<string, string> labels, Driver? driver) => new()
    {
        Type = "volume",
        Target = AppPath.Root,
        VolumeOptions = new VolumeOptions
        {
            Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal),
            DriverConfig = driver!,
        },
    };

    /// <summary>The image's <c>PYTHONUSERBASE</c>: where <c>pip install</c> puts packages when the environment itself is read-only.</summary>
    private static string? UserBase(ImageInspectResponse image) =>
        image.Config?.Env?
            .Where(e => e.StartsWith("PYTHONUSERBASE=", StringComparison.Ordinal))
            .Select(e => e["PYTHONUSERBASE=".Length..])
            .FirstOrDefault(path => path.StartsWith('/'));
}
