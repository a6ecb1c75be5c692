using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace IpyBox.AI.Cli.Mcp;

/// <summary>
/// Writes each log entry of <c>ipybox mcp</c> as one line on stderr, which an MCP client shows its user: level, category,
/// message, and an exception as its type and message (with those of its inner exceptions). Stack frames are written only
/// at <c>--log-level Debug</c> or <c>Trace</c>, for whoever debugs the server itself.
/// </summary>
internal sealed class McpLogFormatter(LogLevel minimumLevel) : ConsoleFormatter(Name)
{
    /// <summary>The formatter's name in the console logger's options.</summary>
    public new const string Name = "ipybox";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        textWriter.Write($"{Level(logEntry.LogLevel)}: {logEntry.Category}[{logEntry.EventId.Id}] {message}");
        if (logEntry.Exception is { } exception)
        {
            textWriter.Write(' ');
            textWriter.Write(minimumLevel <= LogLevel.Debug ? exception.ToString() : Describe(exception));
        }

        textWriter.WriteLine();
    }

    /// <summary>An exception's type and message, then each inner exception's, on one line.</summary>
    internal static string Describe(Exception exception)
    {
        var parts = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            parts.Add($"{current.GetType().Name}: {current.Message.ReplaceLineEndings(" ")}");
        }

        return string.Join(" <- ", parts);
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
