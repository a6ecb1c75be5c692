using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IpyBox.AI.Cli.Serve;

/// <summary>
/// The structured result of <c>execute_ipython_cell</c> (its <c>structuredContent</c>, described by its <c>outputSchema</c>),
/// next to the text and image content that clients ignoring structure read.
/// </summary>
internal sealed class CellOutput
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>Gets how the call ended.</summary>
    [JsonPropertyName("status")]
    [Description("'ok': the cell ran to its end; 'exception': it raised a Python exception (see error); 'failed': it did not run to its end (timeout, cancellation, the service stopping, a lost kernel, an unknown sandbox id...), see message.")]
    public required string Status { get; init; }

    /// <summary>Gets what the cell wrote to stdout.</summary>
    [JsonPropertyName("stdout")]
    [Description("What the cell wrote to standard output (long output is cut in the middle).")]
    public required string Stdout { get; init; }

    /// <summary>Gets what the cell wrote to stderr.</summary>
    [JsonPropertyName("stderr")]
    [Description("What the cell wrote to standard error (long output is cut in the middle).")]
    public required string Stderr { get; init; }

    /// <summary>Gets the plain text of the cell's last expression.</summary>
    [JsonPropertyName("result")]
    [Description("The plain-text value of the cell's last expression, as IPython shows it (Out[n]); null when it had none.")]
    public required string? Result { get; init; }

    /// <summary>Gets the Python exception the cell raised.</summary>
    [JsonPropertyName("error")]
    [Description("The Python exception the cell raised; null when it raised none.")]
    public required CellOutputError? Error { get; init; }

    /// <summary>Gets the kernel's execution counter for the cell.</summary>
    [JsonPropertyName("executionCount")]
    [Description("The kernel's execution counter for this cell (In[n]); null when the cell did not run to its end.")]
    public required int? ExecutionCount { get; init; }

    /// <summary>Gets how many images the cell displayed.</summary>
    [JsonPropertyName("images")]
    [Description("How many images the cell displayed; they follow the text in the result's content, in order.")]
    public required int Images { get; init; }

    /// <summary>Gets what the text content says when the call failed, or a note on the result.</summary>
    [JsonPropertyName("message")]
    [Description("For 'failed', what went wrong and what to do; otherwise a note about the result (e.g. a kernel that was replaced), or null.")]
    public required string? Message { get; init; }

    /// <summary>Builds the structured result of a call that ran a cell, or failed before or while running one.</summary>
    /// <param name="result">The tool result.</param>
    /// <param name="value">The plain text of the cell's last expression.</param>
    /// <param name="limit">The most characters a text field carries.</param>
    public static CellOutput From(SandboxToolResult result, string? value, int limit)
    {
        var cell = result.CellResult;
        var error = result.CellError;
        return new CellOutput
        {
            Status = error is not null ? "exception" : cell is not null && !result.IsError ? "ok" : "failed",
            Stdout = Fit(cell?.Stdout ?? string.Empty, limit),
            Stderr = Fit(cell?.Stderr ?? string.Empty, limit),
            Result = cell is null || value is null ? null : Fit(value, limit),
            Error = error is null ? null : new CellOutputError
            {
                Name = error.ErrorName,
                Value = Fit(error.ErrorValue, limit),
                Traceback = Fit(error.Trace, limit),
            },
            ExecutionCount = cell?.ExecutionCount,
            Images = cell?.Images.Count ?? 0,
            Message = cell is null ? Fit(result.Text, limit) : cell.Notice,
        };
    }

    /// <summary>Builds the structured result of a call refused before any cell ran.</summary>
    public static CellOutput Failed(string message) => new()
    {
        Status = "failed",
        Stdout = string.Empty,
        Stderr = string.Empty,
        Result = null,
        Error = null,
        ExecutionCount = null,
        Images = 0,
        Message = message,
    };

    /// <summary>Serializes this result for <c>structuredContent</c>.</summary>
    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this, s_json);

    private static string Fit(string text, int limit)
    {
        if (text.Length <= limit)
        {
            return text;
        }

        var head = limit * 2 / 3;
        var tail = limit - head;
        return string.Concat(text.AsSpan(0, head), $"\n[... {text.Length - head - tail} characters cut ...]\n", text.AsSpan(text.Length - tail));
    }
}
