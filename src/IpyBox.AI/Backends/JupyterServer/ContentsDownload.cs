namespace IpyBox.AI;

/// <summary>What became of a Contents API file download.</summary>
internal enum ContentsDownloadStatus
{
    /// <summary>The file arrived; see <see cref="ContentsDownload.Written"/>.</summary>
    Done,

    /// <summary>The file does not exist (404).</summary>
    Missing,

    /// <summary>The server cannot read the path as a file (400): a link to nothing, a FIFO or a device.</summary>
    Unreadable,
}

/// <summary>The outcome of <see cref="JupyterServerApi.DownloadAsync"/>.</summary>
/// <param name="Status">What became of the download.</param>
/// <param name="Entry">The file's model when it arrived.</param>
/// <param name="Written">The number of bytes written.</param>
internal readonly record struct ContentsDownload(ContentsDownloadStatus Status, ContentsEntry? Entry, long Written);
