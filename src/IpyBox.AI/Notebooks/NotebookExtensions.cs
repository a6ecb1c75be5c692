namespace IpyBox.AI;

/// <summary>Notebook recording and export for any <see cref="ISandbox"/>.</summary>
public static class NotebookExtensions
{
    /// <summary>
    /// Returns a sandbox that records every cell submitted through it, with its outputs, so that the session can be
    /// exported as a notebook (<see cref="ExportNotebookAsync"/>). Disposing the returned sandbox disposes <paramref name="sandbox"/>.
    /// </summary>
    /// <param name="sandbox">The sandbox to record.</param>
    /// <param name="options">The recording limits; <see langword="null"/> for the defaults.</param>
    /// <returns>The recording sandbox; <paramref name="sandbox"/> itself when it already records.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sandbox"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static ISandbox WithNotebookRecording(this ISandbox sandbox, NotebookRecordingOptions? options = null)
    {
        Throw.IfNull(sandbox);
        return sandbox.GetService<NotebookRecorder>() is null ? new RecordingSandbox(sandbox, new NotebookRecorder(options)) : sandbox;
    }

    /// <summary>Writes the cells the sandbox ran, with their outputs, as a Jupyter notebook (<c>.ipynb</c>, nbformat 4.5, images embedded).</summary>
    /// <param name="sandbox">A recording sandbox (see <see cref="WithNotebookRecording"/>).</param>
    /// <param name="destination">The stream to write to; it is left open.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the notebook is written.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The sandbox does not record its cells.</exception>
    public static Task ExportNotebookAsync(this ISandbox sandbox, Stream destination, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(sandbox);
        Throw.IfNull(destination);
        var recorder = sandbox.GetService<NotebookRecorder>() ?? throw new InvalidOperationException(
            $"The sandbox {sandbox.Id} does not record its cells. Wrap it with sandbox.WithNotebookRecording() before running code, " +
            "or turn notebook recording on in the options of the session manager that creates it.");
        return recorder.WriteNotebookAsync(destination, cancellationToken);
    }
}
