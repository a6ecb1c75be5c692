namespace IpyBox.AI;

/// <summary>
/// Keeps the cells a sandbox ran and what they produced, within <see cref="NotebookRecordingOptions"/>, and writes them as
/// a Jupyter notebook (<c>.ipynb</c>, nbformat 4). A recording sandbox (<see cref="NotebookExtensions.WithNotebookRecording"/>,
/// or every sandbox of a <see cref="SandboxSessionManager"/> unless <see cref="IpyBoxOptions.Notebooks"/> is <see langword="null"/>)
/// hands out its recorder through <c>sandbox.GetService&lt;NotebookRecorder&gt;()</c>.
/// </summary>
/// <remarks>
/// Outputs are recorded as they arrive, so a notebook written while a cell runs holds what that cell produced so far; once
/// an execution's result is available, its cell is complete in the recorder.
/// </remarks>
public sealed class NotebookRecorder
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Entry> _cells = new();
    private long _recordedBytes;
    private int _droppedCells;

    /// <summary>Initializes a new instance of the <see cref="NotebookRecorder"/> class.</summary>
    /// <param name="options">The limits; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public NotebookRecorder(NotebookRecordingOptions? options = null)
    {
        Options = options ?? new NotebookRecordingOptions();
        Options.Validate();
    }

    /// <summary>Gets the limits.</summary>
    public NotebookRecordingOptions Options { get; }

    /// <summary>Gets a snapshot of the cells kept, oldest first.</summary>
    public IReadOnlyList<NotebookCell> Cells
    {
        get
        {
            lock (_lock)
            {
                return [.. _cells.Select(c => c.ToCell())];
            }
        }
    }

    /// <summary>Gets how many of the oldest cells were dropped to respect the limits.</summary>
    public int DroppedCellCount
    {
        get
        {
            lock (_lock)
            {
                return _droppedCells;
            }
        }
    }

    /// <summary>Records a cell and follows its execution, recording each output as it arrives.</summary>
    /// <param name="code">The code that was submitted.</param>
    /// <param name="execution">The execution the code started.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public void Record(string code, Execution execution)
    {
        Throw.IfNull(code);
        Throw.IfNull(execution);
        var entry = new Entry(code);
        lock (_lock)
        {
            entry.Node = _cells.AddLast(entry);
            _recordedBytes += entry.Bytes;
            Trim();
        }

        execution.Observe(new CellObserver(this, entry));
    }

    /// <summary>Forgets every cell recorded so far.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            foreach (var entry in _cells)
            {
                entry.Node = null;
            }

            _cells.Clear();
            _recordedBytes = 0;
            _droppedCells = 0;
        }
    }

    /// <summary>Writes the recorded cells as a Jupyter notebook (nbformat 4.5, images embedded as base64).</summary>
    /// <param name="destination">The stream to write the <c>.ipynb</c> JSON to (UTF-8); it is left open.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the notebook is written and flushed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    public Task WriteNotebookAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        Throw.IfNull(destination);
        IReadOnlyList<NotebookCell> cells;
        int dropped;
        lock (_lock)
        {
            cells = [.. _cells.Select(c => c.ToCell())];
            dropped = _droppedCells;
        }

        return NotebookWriter.WriteAsync(destination, cells, dropped, cancellationToken);
    }

    private static long SizeOf(ExecutionEvent output) => output switch
    {
        StreamOutputEvent stream => stream.Text.Length,
        MimeOutputEvent mime => (mime.Image?.Data.Length ?? 0) + (mime.PlainText?.Length ?? 0) + mime.RichOutputs.Sum(r => (long)r.Content.Length),
        ExecutionErrorEvent error => error.ErrorName.Length + error.ErrorValue.Length + error.Trace.Length,
        _ => 0,
    };

    /// <summary>The end of a cell: how it ended, when not normally, and its execution count.</summary>
    private void Complete(Entry entry, int? executionCount, Exception? error)
    {
        lock (_lock)
        {
            if (error is not null and not ExecutionException && entry.LastOutput is not ExecutionErrorEvent)
            {
                // A timeout, a cancellation or a lost kernel: the notebook says how the cell ended.
                AppendLocked(entry, new ExecutionErrorEvent(error.GetType().Name, error.Message, string.Empty));
            }

            entry.ExecutionCount = executionCount;
            entry.IsComplete = true;
        }
    }

    private void Append(Entry entry, ExecutionEvent output)
    {
        lock (_lock)
        {
            AppendLocked(entry, output);
        }
    }

    private void AppendLocked(Entry entry, ExecutionEvent output)
    {
        if (output is ClearOutputEvent clear)
        {
            if (clear.Wait)
            {
                entry.ClearPending = true;
            }
            else
            {
                ClearOutputs(entry);
            }

            return;
        }

        if (entry.ClearPending)
        {
            entry.ClearPending = false;
            ClearOutputs(entry);
        }

        var size = SizeOf(output);
        if (entry.Bytes + size > Options.MaxRecordedBytes)
        {
            entry.OutputsTruncated = true;
            return;
        }

        entry.Outputs.Add(output);
        entry.Bytes += size;
        if (entry.Node is not null)
        {
            // The cell is still kept: count its output and make room by dropping older cells.
            _recordedBytes += size;
            Trim();
        }
    }

    private void ClearOutputs(Entry entry)
    {
        var outputBytes = entry.Bytes - entry.Code.Length;
        entry.Outputs.Clear();
        entry.Bytes -= outputBytes;
        if (entry.Node is not null)
        {
            _recordedBytes -= outputBytes;
        }
    }

    /// <summary>Drops the oldest cells until the limits hold; the newest cell is always kept.</summary>
    private void Trim()
    {
        while (_cells.Count > 1 && (_cells.Count > Options.MaxCells || _recordedBytes > Options.MaxRecordedBytes))
        {
            var oldest = _cells.First!.Value;
            _cells.RemoveFirst();
            oldest.Node = null;
            _recordedBytes -= oldest.Bytes;
            _droppedCells++;
        }
    }

    /// <summary>Records what one execution produces, as it happens.</summary>
    private sealed class CellObserver(NotebookRecorder recorder, Entry entry) : IExecutionObserver
    {
        public void OnEvent(ExecutionEvent output) => recorder.Append(entry, output);

        public void OnCompleted(int? executionCount, Exception? error) => recorder.Complete(entry, executionCount, error);
    }

    /// <summary>A cell as it is being recorded; guarded by the recorder's lock.</summary>
    private sealed class Entry(string code)
    {
        public string Code { get; } = code;

        public List<ExecutionEvent> Outputs { get; } = [];

        public long Bytes { get; set; } = code.Length;

        public int? ExecutionCount { get; set; }

        public bool IsComplete { get; set; }

        public bool OutputsTruncated { get; set; }

        public bool ClearPending { get; set; }

        public LinkedListNode<Entry>? Node { get; set; }

        public ExecutionEvent? LastOutput => Outputs.Count > 0 ? Outputs[^1] : null;

        public NotebookCell ToCell() => new(Code, [.. Outputs], ExecutionCount, IsComplete, OutputsTruncated);
    }
}
