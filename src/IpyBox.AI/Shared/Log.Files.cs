using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>Log messages of file transfer, package installation and the firewall (event ids 100-199).</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Debug, "Uploading {LocalPath} to /app/{RelativePath}.")]
    public static partial void Uploading(ILogger logger, string localPath, string relativePath);

    [LoggerMessage(101, LogLevel.Debug, "Downloading /app/{RelativePath} to {LocalPath}.")]
    public static partial void Downloading(ILogger logger, string relativePath, string localPath);

    [LoggerMessage(102, LogLevel.Warning, "Skipped '{EntryName}' ({EntryType}) while downloading: only regular files and directories are written to the host.")]
    public static partial void SkippedArchiveEntry(ILogger logger, string entryName, string entryType);

    [LoggerMessage(103, LogLevel.Debug, "Deleted /app/{RelativePath}.")]
    public static partial void DeletedFile(ILogger logger, string relativePath);

    [LoggerMessage(104, LogLevel.Information, "Firewall of container {ContainerId} allows {Count} network(s).")]
    public static partial void FirewallApplied(ILogger logger, string containerId, int count);

    [LoggerMessage(105, LogLevel.Warning, "Firewall of container {ContainerId}: {Warning}")]
    public static partial void FirewallWarning(ILogger logger, string containerId, string warning);

    [LoggerMessage(106, LogLevel.Warning, "Downloading {Path}: some entries could not be read by the kernel user and were left out: {Detail}")]
    public static partial void DownloadIncomplete(ILogger logger, string path, string detail);

    [LoggerMessage(107, LogLevel.Warning, "Renamed '{EntryName}' to '{HostName}' while downloading: its name is not a valid file name on this host.")]
    public static partial void RenamedArchiveEntry(ILogger logger, string entryName, string hostName);
}
