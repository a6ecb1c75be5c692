namespace IpyBox.AI;

/// <summary>Settings of an <see cref="ExecutionClient"/>.</summary>
public sealed class ExecutionClientOptions
{
    /// <summary>The default of <see cref="MaxOutputLength"/>: 4 Mi characters.</summary>
    internal const int DefaultMaxOutputLength = 4 * 1024 * 1024;

    /// <summary>Gets or sets how long <see cref="ExecutionClient.ConnectAsync"/> keeps trying while the kernel server starts.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the execution timeout used when a call gives none.</summary>
    /// <value>The default value is 120 seconds.</value>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets or sets how long an interrupted execution may take to stop before its call returns anyway.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan InterruptGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets whether a timed-out execution that is still running <see cref="InterruptGracePeriod"/> after the interrupt
    /// (code that ignores <c>SIGINT</c>, or is stuck in native code) gets its kernel restarted, so the next execution runs.
    /// The restart loses the kernel's state, which the <see cref="ExecutionTimeoutException"/> says (<see cref="ExecutionTimeoutException.KernelRestarted"/>).
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RestartUnresponsiveKernel { get; set; } = true;

    /// <summary>
    /// Gets or sets the most characters one execution holds in this process for each of its text, stdout and stderr (the head and
    /// the tail are kept around a marker that says how much was dropped), and for its images and rich outputs together (image
    /// bytes count). Streamed chunks nobody reads are dropped beyond it too, so sandbox code cannot exhaust the host's memory.
    /// </summary>
    /// <value>The default value is 4 Mi (4,194,304) characters.</value>
    public int MaxOutputLength { get; set; } = DefaultMaxOutputLength;

    /// <summary>
    /// Gets or sets the most bytes of one kernel message this process holds. Messages are read in pieces: a string longer than
    /// half of this keeps its head and tail around a marker, and a message still larger (e.g. a huge JSON output, or a picture
    /// shown as PNG and JPEG of tens of MB each) is dropped and logged, and the execution it belongs to gets a marker in its
    /// result text and an <see cref="OutputDroppedEvent"/> that say so. The connection survives both.
    /// </summary>
    /// <value>The default value is 16 MiB.</value>
    public int MaxMessageSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Gets or sets how long the client tries to reconnect a dropped WebSocket to a kernel that is still there, as Jupyter
    /// clients do; running executions continue (the server replays what the kernel sent meanwhile). <see cref="TimeSpan.Zero"/>
    /// turns reconnection off: a dropped connection then fails the running executions at once.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan ReconnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the kernel spec to start.</summary>
    /// <value>The default value is <c>python3</c>.</value>
    public string KernelName { get; set; } = "python3";

    /// <summary>Gets or sets the clock that connection waits and execution timeouts are measured with.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Checks the options and throws an error that says how to fix the first problem found.</summary>
    /// <exception cref="ArgumentException">An option has an invalid value.</exception>
    public void Validate()
    {
        if (TimeProvider is null)
        {
            throw new ArgumentException("TimeProvider must not be null; use TimeProvider.System for the real clock.", nameof(TimeProvider));
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("ConnectTimeout must be positive.", nameof(ConnectTimeout));
        }

        if (DefaultTimeout <= TimeSpan.Zero && DefaultTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("DefaultTimeout must be positive or Timeout.InfiniteTimeSpan.", nameof(DefaultTimeout));
        }

        if (InterruptGracePeriod < TimeSpan.Zero)
        {
            throw new ArgumentException("InterruptGracePeriod must not be negative.", nameof(InterruptGracePeriod));
        }

        if (MaxOutputLength < 1024)
        {
            throw new ArgumentException("MaxOutputLength must be at least 1024 characters.", nameof(MaxOutputLength));
        }

        if (MaxMessageSize < 64 * 1024)
        {
            throw new ArgumentException("MaxMessageSize must be at least 64 KiB (65536 bytes).", nameof(MaxMessageSize));
        }

        if (ReconnectTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException("ReconnectTimeout must not be negative; use TimeSpan.Zero to turn reconnection off.", nameof(ReconnectTimeout));
        }

        if (string.IsNullOrWhiteSpace(KernelName))
        {
            throw new ArgumentException("KernelName must name a kernel spec, e.g. 'python3'.", nameof(KernelName));
        }
    }
}
