using System.Runtime.InteropServices;

namespace IpyBox.AI;

/// <summary>Creates host directories for bind mounts that the kernel user (UID 1000) can write to.</summary>
internal static partial class HostDirectory
{
    /// <summary>The UID and GID of the kernel user in the runtime image.</summary>
    public const int KernelUserId = 1000;

    public static void CreateForKernelUser(string path)
    {
        Directory.CreateDirectory(path);
        if (OperatingSystem.IsLinux() && geteuid() == 0)
        {
            // Root creates the directory, but the kernel runs as UID 1000 and must be able to write to it.
            _ = chown(path, KernelUserId, KernelUserId);
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, int owner, int group);

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
