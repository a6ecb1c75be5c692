namespace IpyBox.AI;

/// <summary>How long and how often <see cref="Poll"/> asks: a time limit and a pause between attempts that doubles up to a maximum.</summary>
/// <param name="Timeout">The time limit, or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> to poll until cancelled.</param>
/// <param name="Interval">The pause after the first attempt that did not succeed.</param>
/// <param name="MaxInterval">The longest pause; equal to <paramref name="Interval"/> for a fixed pace.</param>
internal readonly record struct PollSchedule(TimeSpan Timeout, TimeSpan Interval, TimeSpan MaxInterval)
{
    /// <summary>Creates a schedule with the same pause after every attempt.</summary>
    public static PollSchedule Fixed(TimeSpan timeout, TimeSpan interval) => new(timeout, interval, interval);

    /// <summary>Creates a schedule whose pause starts at <paramref name="first"/> and doubles up to <paramref name="max"/>.</summary>
    public static PollSchedule Backoff(TimeSpan timeout, TimeSpan first, TimeSpan max) => new(timeout, first, max);

    /// <summary>Gets a value indicating whether the schedule has no time limit.</summary>
    public bool IsUnbounded => Timeout == System.Threading.Timeout.InfiniteTimeSpan;

    /// <summary>Returns the pause that follows <paramref name="current"/>.</summary>
    public TimeSpan Next(TimeSpan current) => current * 2 < MaxInterval ? current * 2 : MaxInterval;

    /// <summary>Throws when the schedule cannot be followed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A time span is out of range.</exception>
    public void Validate()
    {
        Throw.IfNotPositive(Timeout);
        if (Interval < TimeSpan.Zero || MaxInterval < Interval)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxInterval), $"A poll needs 0 <= Interval <= MaxInterval (got {Interval} and {MaxInterval}).");
        }
    }
}
