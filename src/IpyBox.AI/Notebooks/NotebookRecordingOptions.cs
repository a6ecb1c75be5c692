namespace IpyBox.AI;

/// <summary>Limits of a <see cref="NotebookRecorder"/>: what a sandbox keeps of its cells and outputs for a notebook export.</summary>
public sealed class NotebookRecordingOptions
{
    /// <summary>Gets or sets the largest number of cells kept; when a new cell exceeds it, the oldest cell is dropped.</summary>
    /// <value>The default value is 500.</value>
    public int MaxCells { get; set; } = 500;

    /// <summary>
    /// Gets or sets how much code and output the recorder keeps in all, counted as characters of text plus bytes of images.
    /// Older cells are dropped to stay under it; outputs of one cell that alone would exceed it are left out, and the cell
    /// says so in the exported notebook.
    /// </summary>
    /// <value>The default value is 16 MiB.</value>
    public long MaxRecordedBytes { get; set; } = 16L << 20;

    /// <summary>Checks the options and throws an error that says how to fix the first problem found.</summary>
    /// <exception cref="ArgumentException">An option has an invalid value.</exception>
    public void Validate()
    {
        if (MaxCells < 1)
        {
            throw new ArgumentException($"MaxCells is {MaxCells}; keep at least 1 cell.", nameof(MaxCells));
        }

        if (MaxRecordedBytes < 1024)
        {
            throw new ArgumentException($"MaxRecordedBytes is {MaxRecordedBytes}; allow at least 1024 bytes so a notebook can hold a cell.", nameof(MaxRecordedBytes));
        }
    }
}
