using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace IpyBox.AI;

/// <summary>Writes recorded cells as a Jupyter notebook in nbformat 4.5: code cells with stream, display_data, execute_result and error outputs.</summary>
internal static class NotebookWriter
{
    // A notebook file is not embedded in a web page: keep markup and non-ASCII text readable.
    private static readonly JsonWriterOptions s_options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(Stream destination, IReadOnlyList<NotebookCell> cells, int droppedCells, CancellationToken cancellationToken)
    {
        var json = new Utf8JsonWriter(destination, s_options);
        await using var _ = json.ConfigureAwait(false);
        json.WriteStartObject();
        json.WriteStartArray("cells");
        if (droppedCells > 0)
        {
            json.WriteStartObject();
            json.WriteString("cell_type", "markdown");
            json.WriteString("id", "dropped-cells");
            json.WriteStartObject("metadata");
            json.WriteEndObject();
            json.WriteString("source", string.Create(CultureInfo.InvariantCulture,
                $"*{droppedCells} earlier cell(s) of this session were not kept (NotebookRecordingOptions limits).*"));
            json.WriteEndObject();
        }

        for (var i = 0; i < cells.Count; i++)
        {
            WriteCodeCell(json, cells[i], string.Create(CultureInfo.InvariantCulture, $"cell-{i + 1}"));
            await json.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        json.WriteEndArray();
        WriteNotebookMetadata(json, droppedCells);
        json.WriteNumber("nbformat", 4);
        json.WriteNumber("nbformat_minor", 5);
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteNotebookMetadata(Utf8JsonWriter json, int droppedCells)
    {
        json.WriteStartObject("metadata");
        json.WriteStartObject("kernelspec");
        json.WriteString("display_name", "Python 3 (ipykernel)");
        json.WriteString("language", "python");
        json.WriteString("name", "python3");
        json.WriteEndObject();
        json.WriteStartObject("language_info");
        json.WriteString("name", "python");
        json.WriteEndObject();
        json.WriteStartObject("ipybox");
        json.WriteNumber("dropped_cells", droppedCells);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteCodeCell(Utf8JsonWriter json, NotebookCell cell, string id)
    {
        json.WriteStartObject();
        json.WriteString("cell_type", "code");
        WriteCount(json, cell.ExecutionCount);
        json.WriteString("id", id);
        json.WriteStartObject("metadata");
        json.WriteEndObject();
        json.WriteStartArray("outputs");
        WriteOutputs(json, cell);
        json.WriteEndArray();
        json.WriteString("source", cell.Code);
        json.WriteEndObject();
    }

    private static void WriteOutputs(Utf8JsonWriter json, NotebookCell cell)
    {
        // Consecutive chunks of one stream make one output, as in a notebook.
        var text = new StringBuilder();
        OutputStreamName? stream = null;
        foreach (var output in cell.Outputs)
        {
            if (output is StreamOutputEvent chunk && chunk.Stream == stream)
            {
                text.Append(chunk.Text);
                continue;
            }

            FlushStream(json, stream, text);
            stream = null;
            switch (output)
            {
                case StreamOutputEvent next:
                    stream = next.Stream;
                    text.Append(next.Text);
                    break;
                case ExecuteResultEvent result:
                    WriteMimeOutput(json, "execute_result", result);
                    WriteCount(json, result.ExecutionCount ?? cell.ExecutionCount);
                    json.WriteEndObject();
                    break;
                case DisplayDataEvent display:
                    WriteMimeOutput(json, "display_data", display);
                    json.WriteEndObject();
                    break;
                case ExecutionErrorEvent error:
                    WriteError(json, error);
                    break;
                case OutputDroppedEvent dropped:
                    // A notebook has no such output: the marker is shown as stderr where the output would have been.
                    stream = OutputStreamName.Stderr;
                    text.Append(dropped.Message).Append('\n');
                    break;
            }
        }

        FlushStream(json, stream, text);
        if (cell.OutputsTruncated)
        {
            text.Append("[Further output of this cell was not recorded: NotebookRecordingOptions.MaxRecordedBytes was reached.]\n");
            FlushStream(json, OutputStreamName.Stderr, text);
        }
    }

    private static void FlushStream(Utf8JsonWriter json, OutputStreamName? stream, StringBuilder text)
    {
        if (stream is not { } name || text.Length == 0)
        {
            return;
        }

        json.WriteStartObject();
        json.WriteString("output_type", "stream");
        json.WriteString("name", name == OutputStreamName.Stderr ? "stderr" : "stdout");
        json.WriteString("text", text.ToString());
        json.WriteEndObject();
        text.Clear();
    }

    /// <summary>Writes an output's type, its MIME bundle and metadata; the caller ends the object.</summary>
    private static void WriteMimeOutput(Utf8JsonWriter json, string outputType, MimeOutputEvent output)
    {
        json.WriteStartObject();
        json.WriteString("output_type", outputType);
        json.WriteStartObject("data");
        if (output.Image is { } image)
        {
            json.WriteBase64String(image.MediaType, image.Data.Span);
        }

        foreach (var rich in output.RichOutputs)
        {
            WriteRepresentation(json, rich);
        }

        if (output.PlainText is { } plain)
        {
            json.WriteString("text/plain", plain);
        }

        json.WriteEndObject();
        json.WriteStartObject("metadata");
        if (output.Image is { Width: > 0, Height: > 0 } sized)
        {
            json.WriteStartObject(sized.MediaType);
            json.WriteNumber("width", sized.Width);
            json.WriteNumber("height", sized.Height);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    /// <summary>JSON media types hold JSON; every other representation is text.</summary>
    private static void WriteRepresentation(Utf8JsonWriter json, RichOutput rich)
    {
        if (rich.MediaType == "application/json" || rich.MediaType.EndsWith("+json", StringComparison.Ordinal))
        {
            try
            {
                using var document = JsonDocument.Parse(rich.Content);
                json.WritePropertyName(rich.MediaType);
                document.RootElement.WriteTo(json);
                return;
            }
            catch (JsonException)
            {
                // Not valid JSON: keep it as text.
            }
        }

        json.WriteString(rich.MediaType, rich.Content);
    }

    private static void WriteError(Utf8JsonWriter json, ExecutionErrorEvent error)
    {
        json.WriteStartObject();
        json.WriteString("output_type", "error");
        json.WriteString("ename", error.ErrorName);
        json.WriteString("evalue", error.ErrorValue);
        json.WriteStartArray("traceback");
        if (error.Trace.Length > 0)
        {
            foreach (var line in error.Trace.Split('\n'))
            {
                json.WriteStringValue(line);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteCount(Utf8JsonWriter json, int? count)
    {
        if (count is { } n)
        {
            json.WriteNumber("execution_count", n);
        }
        else
        {
            json.WriteNull("execution_count");
        }
    }
}
