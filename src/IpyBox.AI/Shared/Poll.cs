namespace IpyBox.AI;

/// <summary>
/// The one way the library waits for something to become ready: ask, pause, ask again, until the answer comes or the
/// time limit of a <see cref="PollSchedule"/> passes. Time is read from a <see cref="TimeProvider"/>, so tests need no real waits.
/// </summary>
/// <remarks>
/// The probe decides what "not yet" means: it returns <see langword="null"/> (or <see langword="false"/>) to be asked again,
/// and lets any other error end the poll. Its cancellation token also fires when the time limit passes, so no single
/// attempt outlives the poll; an attempt cut off that way counts as not ready.
/// </remarks>
internal static class Poll
{
    private static readonly object s_done = new();

    /// <summary>Asks <paramref name="probe"/> until it returns a value.</summary>
    /// <typeparam name="T">The kind of answer.</typeparam>
    /// <param name="what">What is awaited, for the default timeout message (e.g. "the kernel to answer").</param>
    /// <param name="probe">One attempt; <see langword="null"/> means not ready yet.</param>
    /// <param name="schedule">The time limit and the pauses.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="cancellationToken">Cancels the poll.</param>
    /// <param name="timeoutError">Builds the error thrown when the time limit passes; <see langword="null"/> for a <see cref="TimeoutException"/> that names <paramref name="what"/>.</param>
    /// <returns>The first value the probe returned.</returns>
    /// <exception cref="TimeoutException">The time limit passed (unless <paramref name="timeoutError"/> builds another error).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<T> UntilAsync<T>(
        string what,
        Func<CancellationToken, Task<T?>> probe,
        PollSchedule schedule,
        TimeProvider timeProvider,
        CancellationToken cancellationToken,
        Func<CancellationToken, Task<Exception>>? timeoutError = null)
        where T : class
    {
        schedule.Validate();
        using var deadline = schedule.IsUnbounded ? null : new CancellationTokenSource(schedule.Timeout, timeProvider);
        using var attempts = deadline is null
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var pause = schedule.Interval;
        while (true)
        {
            try
            {
                if (await probe(attempts.Token).ConfigureAwait(false) is { } value)
                {
                    return value;
                }

                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, timeProvider, attempts.Token).ConfigureAwait(false);
                }
                else
                {
                    attempts.Token.ThrowIfCancellationRequested();
                }
            }
            catch (OperationCanceledException) when (deadline?.IsCancellationRequested == true && !cancellationToken.IsCancellationRequested)
            {
                break;
            }

            pause = schedule.Next(pause);
        }

        throw timeoutError is null
            ? new TimeoutException($"Gave up waiting for {what} after {schedule.Timeout.TotalSeconds:0.###} s.")
            : await timeoutError(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks <paramref name="condition"/> until it returns <see langword="true"/>.</summary>
    /// <param name="what">What is awaited, for the default timeout message.</param>
    /// <param name="condition">One attempt; <see langword="false"/> means not ready yet.</param>
    /// <param name="schedule">The time limit and the pauses.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="cancellationToken">Cancels the poll.</param>
    /// <param name="timeoutError">Builds the error thrown when the time limit passes; <see langword="null"/> for a <see cref="TimeoutException"/>.</param>
    /// <returns>A task that completes when the condition held.</returns>
    /// <exception cref="TimeoutException">The time limit passed (unless <paramref name="timeoutError"/> builds another error).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task UntilAsync(
        string what,
        Func<CancellationToken, Task<bool>> condition,
        PollSchedule schedule,
        TimeProvider timeProvider,
        CancellationToken cancellationToken,
        Func<CancellationToken, Task<Exception>>? timeoutError = null) =>
        UntilAsync<object>(
            what,
            async ct => await condition(ct).ConfigureAwait(false) ? s_done : null,
            schedule,
            timeProvider,
            cancellationToken,
            timeoutError);
}
