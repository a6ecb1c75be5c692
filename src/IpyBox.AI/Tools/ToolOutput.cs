using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace IpyBox.AI;

/// <summary>
/// Turns execution results and failures into what a model reads, for every tool surface: text fitted to
/// <see cref="IpyBoxOptions.MaxOutputCharacters"/> and images as <see cref="DataContent"/>.
/// </summary>
internal static class ToolOutput
{
    /// <summary>Cuts <paramref name="text"/> to at most about <paramref name="limit"/> characters, keeping the head and the tail around a marker.</summary>
    public static string Truncate(string text, int limit)
    {
        if (text.Length <= limit)
        {
            return text;
        }

        var head = limit * 2 / 3;
        var tail = limit - head;

        // Do not split a surrogate pair.
        if (char.IsHighSurrogate(text[head - 1]))
        {
            head--;
        }

        if (char.IsLowSurrogate(text[text.Length - tail]))
        {
            tail--;
        }

        var omitted = text.Length - head - tail;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{text.AsSpan(0, head)}\n[... {omitted} characters truncated (output was {text.Length} characters; the first {head} and last {tail} are shown) ...]\n{text.AsSpan(text.Length - tail)}");
    }

    /// <summary>Describes an execution result: its text, any rich outputs and the images (as data content).</summary>
    public static List<AIContent> FromResult(ExecutionResult result, IpyBoxOptions options)
    {
        var contents = new List<AIContent>();
        var text = new StringBuilder();
        if (!string.IsNullOrEmpty(result.Text))
        {
            text.Append(result.Text);
        }

        foreach (var rich in result.RichOutputs)
        {
            if (result.Text is null && rich.MediaType is "text/markdown" or "text/html")
            {
                AppendLine(text, $"[{rich.MediaType} output]\n{rich.Content}");
            }
            else
            {
                AppendLine(text, $"[{rich.MediaType} output of {rich.Content.Length} characters not shown]");
            }
        }

        for (var i = 0; i < result.Images.Count; i++)
        {
            var image = result.Images[i];
            AppendLine(text, string.Create(CultureInfo.InvariantCulture, $"[image {i + 1}: {image.MediaType}, {image.Width}x{image.Height} pixels]"));
        }

        if (text.Length == 0)
        {
            text.Append("Executed successfully; the code produced no output.");
        }

        if (result.Notice is { } notice)
        {
            text.Insert(0, $"Note: {notice}\n");
        }

        contents.Add(new TextContent(Truncate(text.ToString(), options.MaxOutputCharacters)));
        AddImages(contents, result);
        return contents;
    }

    /// <summary>
    /// Describes a Python exception: a first line with its name and message, the output produced before it, the last
    /// lines of the traceback, and what to do next. Images displayed before the error follow the text.
    /// </summary>
    public static List<AIContent> FromError(ExecutionException error, IpyBoxOptions options)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Error: the code raised {error.ErrorName}: {error.ErrorValue}");
        if (error.Result?.Text is { Length: > 0 } before)
        {
            text.Append("\nOutput before the exception:\n").Append(before);
        }

        if (error.Trace.Length > 0)
        {
            var lines = error.Trace.Split('\n');
            var shown = lines.Length > options.MaxTracebackLines ? lines[^options.MaxTracebackLines..] : lines;
            text.Append(CultureInfo.InvariantCulture, $"\nTraceback ({(shown.Length < lines.Length ? $"last {shown.Length} of {lines.Length} lines" : "most recent call last")}):\n");
            text.AppendJoin("\n", shown);
        }

        text.Append("\nThe kernel is still running; variables defined before the error are kept. Fix the code and try again.");
        if (error.Result?.Notice is { } notice)
        {
            text.Insert(0, $"Note: {notice}\n");
        }
        var contents = new List<AIContent> { new TextContent(Truncate(text.ToString(), options.MaxOutputCharacters)) };
        if (error.Result is { } partial)
        {
            AddImages(contents, partial);
        }

        return contents;
    }

    /// <summary>Describes an execution that hit its time limit.</summary>
    public static string FromTimeout(TimeSpan timeout) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"Error: the execution did not finish within {timeout.TotalSeconds:0.###} seconds and was interrupted (KeyboardInterrupt). The kernel and its state (variables, imports) are kept. Make the code faster, work on less data, or call again with a larger timeout.");

    /// <summary>Describes a timed-out execution whose kernel had to be restarted because the code ignored the interrupt.</summary>
    public static string FromKernelRestarted(TimeSpan timeout) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"Error: the execution did not finish within {timeout.TotalSeconds:0.###} seconds and was still running after the interrupt (it ignored KeyboardInterrupt or SIGINT, or was still sending a flood of output), so the kernel was restarted. ALL kernel state is lost: variables, imports and definitions must be created again. Files in /app and installed packages are kept. Do not ignore KeyboardInterrupt or SIGINT, print less, make the code faster or call again with a larger timeout.");

    /// <summary>Describes code that was refused before it was sent.</summary>
    public static string FromRefusedCode(ArgumentException error) =>
        $"Error: the code was not run. {FirstLine(error.Message)}";

    /// <summary>Describes a kernel process that died while running code.</summary>
    public static string FromKernelDied(KernelDiedException error) =>
        $"Error: the Python kernel died while running the code. {FirstLine(error.Message)} " +
        "Files in /app are kept. Use less memory (work on smaller pieces of the data, free large objects with del), then define what you need again; reset the kernel if the next call fails too.";

    /// <summary>Describes a lost sandbox.</summary>
    public static string FromLostSandbox(Exception error) =>
        $"Error: the sandbox stopped or could not be reached ({FirstLine(error.Message)}). " +
        "A new sandbox will be created on the next call; variables and files of the old one are gone.";

    /// <summary>Describes any other failure of a tool.</summary>
    public static string FromFailure(string action, Exception error) =>
        $"Error: {action} failed: {FirstLine(error.Message)}";

    private static void AddImages(List<AIContent> contents, ExecutionResult result)
    {
        for (var i = 0; i < result.Images.Count; i++)
        {
            var image = result.Images[i];
            contents.Add(new DataContent(image.Data, image.MediaType) { Name = $"image-{i + 1}{image.FileExtension}" });
        }
    }

    private static void AppendLine(StringBuilder text, string line)
    {
        if (text.Length > 0)
        {
            text.Append('\n');
        }

        text.Append(line);
    }

    private static string FirstLine(string message)
    {
        var index = message.IndexOf('\n', StringComparison.Ordinal);
        return index < 0 ? message : message[..index];
    }
}
