namespace IpyBox.AI.Cli.Serve;

/// <summary>
/// Follows a cell's events for the service: the value of its last expression (the <c>result</c> of the structured result) and,
/// when the client asked for progress, its stdout and stderr text as it arrives.
/// </summary>
internal sealed class CellEventObserver(ProgressOutputNotifier? progress) : IProgress<ExecutionEvent>
{
    private volatile string? _value;

    /// <summary>Gets the plain text of the cell's last expression, or <see langword="null"/> when it had none.</summary>
    public string? Value => _value;

    /// <inheritdoc />
    public void Report(ExecutionEvent value)
    {
        switch (value)
        {
            case StreamOutputEvent output:
                progress?.Append(output.Text);
                break;
            case ExecuteResultEvent result:
                _value = result.PlainText;
                break;
            case OutputDroppedEvent dropped:
                progress?.Append($"\n{dropped.Message}\n");
                break;
        }
    }
}
