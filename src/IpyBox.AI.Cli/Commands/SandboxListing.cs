using System.Globalization;
using System.Text.Json;
using IpyBox.AI.Cli.Terminal;

namespace IpyBox.AI.Cli.Commands;

/// <summary>Writes what <c>ipybox ls</c> found: a table for people, JSON for programs.</summary>
internal static class SandboxListing
{
    /// <summary>Formats the table: short id, state, lease expiry (with the time left), creation time and metadata.</summary>
    /// <param name="sandboxes">The sandboxes.</param>
    /// <param name="now">The current time, for the time left on a lease.</param>
    /// <param name="filter">Shows control characters in metadata instead of executing them.</param>
    public static string FormatTable(IReadOnlyList<SandboxInfo> sandboxes, DateTimeOffset now, TerminalTextFilter filter)
    {
        string Shown(string text) => filter.Filter(text) + filter.Flush();
        return TextTable.Format(
            ["SANDBOX ID", "STATE", "LEASE EXPIRES", "CREATED", "METADATA"],
            sandboxes.Select(sandbox => (IReadOnlyList<string>)
            [
                SandboxIds.Short(sandbox.Id),
                sandbox.State.ToString().ToLowerInvariant(),
                sandbox.LeaseExpires is { } expires ? $"{Time(expires)} ({Left(expires - now)})" : "- (not durable)",
                Time(sandbox.Created),
                Shown(string.Join(", ", sandbox.Metadata.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"))),
            ]));
    }

    /// <summary>Writes a JSON array with one object per sandbox: the fields of <see cref="SandboxInfo"/> in camel case, the lease in seconds.</summary>
    public static void WriteJson(Stream output, IReadOnlyList<SandboxInfo> sandboxes)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        foreach (var sandbox in sandboxes)
        {
            json.WriteStartObject();
            json.WriteString("id", sandbox.Id);
            json.WriteString("state", sandbox.State.ToString().ToLowerInvariant());
            json.WriteString("created", sandbox.Created);
            WriteNullable(json, "leaseSeconds", sandbox.Lease?.TotalSeconds);
            if (sandbox.LeaseExpires is { } expires)
            {
                json.WriteString("leaseExpires", expires);
            }
            else
            {
                json.WriteNull("leaseExpires");
            }

            json.WriteStartObject("metadata");
            foreach (var (key, value) in sandbox.Metadata.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteString("conversationKey", sandbox.ConversationKey);
            json.WriteString("snapshot", sandbox.Snapshot);
            json.WriteString("image", sandbox.Image);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.Flush();
        output.Write("\n"u8);
    }

    /// <summary>A time in UTC, to the second.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The time left on a lease in its two largest units: <c>in 1h59m</c>, <c>in 6d23h</c>, <c>in 40s</c>, or <c>expired</c>.</summary>
    public static string Left(TimeSpan left) => left switch
    {
        { Ticks: <= 0 } => "expired",
        { TotalDays: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"in {(int)left.TotalDays}d{left.Hours}h"),
        { TotalHours: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"in {left.Hours}h{left.Minutes}m"),
        { TotalMinutes: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"in {left.Minutes}m{left.Seconds}s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"in {(int)Math.Ceiling(left.TotalSeconds)}s"),
    };

    private static void WriteNullable(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
