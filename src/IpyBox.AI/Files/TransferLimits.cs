using System.Globalization;

namespace IpyBox.AI;

/// <summary>
/// The bounds of one transfer from a sandbox, each with the name of the option that sets it, so an error can say which
/// option raises the bound it met.
/// </summary>
/// <param name="IdleTimeout">The longest wait for the next byte (the first one included).</param>
/// <param name="IdleTimeoutOption">The option that sets <paramref name="IdleTimeout"/>, as <c>Type.Property</c>.</param>
/// <param name="Timeout">The longest the whole transfer may take.</param>
/// <param name="TimeoutOption">The option that sets <paramref name="Timeout"/>.</param>
/// <param name="MaxBytes">The most bytes the sandbox may send, or <see langword="null"/> for no limit.</param>
/// <param name="MaxBytesOption">The option that sets <paramref name="MaxBytes"/>.</param>
/// <param name="TimeProvider">The clock the time bounds are measured with.</param>
internal sealed record TransferLimits(
    TimeSpan IdleTimeout,
    string IdleTimeoutOption,
    TimeSpan Timeout,
    string TimeoutOption,
    long? MaxBytes,
    string MaxBytesOption,
    TimeProvider TimeProvider)
{
    /// <summary>Throws when <paramref name="size"/>, the size the sandbox reports for <paramref name="path"/>, is over <see cref="MaxBytes"/>.</summary>
    /// <exception cref="IOException">The size is over the limit.</exception>
    public void ThrowIfTooLarge(string path, long size)
    {
        if (MaxBytes is { } max && size > max)
        {
            throw TooLarge(path, size);
        }
    }

    /// <summary>The error for a transfer of <paramref name="path"/> that has or sent more than <see cref="MaxBytes"/>.</summary>
    /// <param name="path">The path in the sandbox.</param>
    /// <param name="size">The size the sandbox reports, or <see langword="null"/> when the bytes that arrived went past the limit.</param>
    public IOException TooLarge(string path, long? size)
    {
        var max = MaxBytes.GetValueOrDefault().ToString(CultureInfo.InvariantCulture);
        var what = size is { } known
            ? $"{path} has {known.ToString(CultureInfo.InvariantCulture)} bytes in the sandbox, more than"
            : $"The sandbox sent more than {max} bytes for {path}, beyond";
        return new IOException(
            $"{what} {MaxBytesOption} ({max} bytes); nothing was written. A device, a sparse file or a file that keeps growing can be " +
            $"endless: download something smaller, or raise {MaxBytesOption} if the host can hold it.");
    }

    /// <summary>The error for a transfer of <paramref name="path"/> that went the idle timeout without a byte (<paramref name="idle"/>), or past its whole time.</summary>
    public FileTransferTimeoutException TimedOut(string path, bool idle, Exception? cause)
    {
        var (limit, option) = idle ? (IdleTimeout, IdleTimeoutOption) : (Timeout, TimeoutOption);
        var seconds = limit.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var what = idle
            ? $"Reading {path} from the sandbox stopped: no data arrived for {seconds} s ({option})"
            : $"Reading {path} from the sandbox did not finish within {seconds} s ({option})";
        return new FileTransferTimeoutException(
            $"{what}; nothing was written. The path may have been swapped for a FIFO or a device, or what serves it in the sandbox " +
            $"answers slowly or not at all. Raise {option} if the sandbox is only slow.",
            path,
            limit,
            cause);
    }
}
