namespace IpyBox.AI;

/// <summary>Settings of an <see cref="ExecutionClient"/>.</summary>
public sealed class ExecutionClientOptions
{
    /// <summary>Gets or sets how long <see cref="ExecutionClient.ConnectAsync"/> keeps trying while the kernel server starts.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the execution timeout used when a call gives none.</summary>
    /// <value>The default value is 120 seconds.</value>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets or sets how long an interrupted execution may take to stop before its call returns anyway.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan InterruptGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

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

        if (string.IsNullOrWhiteSpace(KernelName))
        {
            throw new ArgumentException("KernelName must name a kernel spec, e.g. 'python3'.", nameof(KernelName));
        }
    }
}
