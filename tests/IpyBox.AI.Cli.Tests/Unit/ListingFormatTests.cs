using IpyBox.AI.Cli.Commands;
using IpyBox.AI.Cli.Terminal;

namespace IpyBox.AI.Cli.Tests.Unit;

/// <summary>The pieces of <c>ipybox ls</c> that need no engine: metadata arguments, the time left on a lease, the table and ids.</summary>
public sealed class ListingFormatTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Metadata_arguments_become_a_dictionary_and_a_repeated_key_is_refused()
    {
        var metadata = MetadataArguments.Parse(["user=ann", "note=a=b", "empty="]);

        Assert.Equal(new Dictionary<string, string> { ["user"] = "ann", ["note"] = "a=b", ["empty"] = string.Empty }, metadata);
        Assert.Contains("KEY=VALUE", Assert.Throws<ArgumentException>(() => MetadataArguments.Parse(["novalue"])).Message, StringComparison.Ordinal);
        Assert.Contains("'user' twice", Assert.Throws<ArgumentException>(() => MetadataArguments.Parse(["user=a", "user=b"])).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, "expired")]
    [InlineData(0, "expired")]
    [InlineData(40.2, "in 41s")]
    [InlineData(59 * 60 + 5, "in 59m5s")]
    [InlineData(2 * 3600 - 1, "in 1h59m")]
    [InlineData(7 * 86400 - 3600, "in 6d23h")]
    public void Time_left_on_a_lease_shows_its_two_largest_units(double seconds, string expected)
    {
        Assert.Equal(expected, SandboxListing.Left(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Table_shows_short_ids_states_lease_and_metadata_with_control_characters_made_visible()
    {
        var durable = new SandboxInfo(new string('a', 64), SandboxState.Paused, s_now.AddHours(-1))
        {
            Lease = TimeSpan.FromHours(1),
            LeaseExpires = s_now.AddMinutes(30),
            Metadata = new Dictionary<string, string> { ["user"] = "ann", ["title"] = "\u001b]0;pwned\u0007" },
        };
        var plain = new SandboxInfo(new string('b', 64), SandboxState.Running, s_now);

        var lines = SandboxListing.FormatTable([durable, plain], s_now, new TerminalTextFilter()).Split('\n');

        Assert.StartsWith("SANDBOX ID     STATE     LEASE EXPIRES", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{new string('a', 12)}   paused    2026-12-06 12:30:00Z (in 30m0s)   2026-12-06 11:00:00Z   title=", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(", user=ann", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', lines[1]);
        Assert.DoesNotContain('\u0007', lines[1]);
        Assert.StartsWith($"{new string('b', 12)}   running   - (not durable)", lines[2], StringComparison.Ordinal);
        Assert.Equal(string.Empty, lines[3]);
    }

    [Fact]
    public void Json_holds_full_ids_times_lease_seconds_and_metadata()
    {
        var sandbox = new SandboxInfo(new string('c', 64), SandboxState.Stopped, s_now)
        {
            Lease = TimeSpan.FromMinutes(30),
            LeaseExpires = s_now.AddHours(2),
            Metadata = new Dictionary<string, string> { ["user"] = "ann" },
            Snapshot = "base",
        };
        using var output = new MemoryStream();

        SandboxListing.WriteJson(output, [sandbox]);

        using var json = System.Text.Json.JsonDocument.Parse(output.ToArray());
        var item = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(new string('c', 64), item.GetProperty("id").GetString());
        Assert.Equal("stopped", item.GetProperty("state").GetString());
        Assert.Equal(1800, item.GetProperty("leaseSeconds").GetDouble());
        Assert.Equal(s_now.AddHours(2), item.GetProperty("leaseExpires").GetDateTimeOffset());
        Assert.Equal(s_now, item.GetProperty("created").GetDateTimeOffset());
        Assert.Equal("ann", item.GetProperty("metadata").GetProperty("user").GetString());
        Assert.Equal("base", item.GetProperty("snapshot").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, item.GetProperty("conversationKey").ValueKind);
    }

    [Fact]
    public void Ids_are_taken_lowercase_and_trimmed_and_shown_by_twelve_digits()
    {
        Assert.Equal("abcdef012345", SandboxIds.Normalize(" ABCDEF012345\n"));
        Assert.Equal("abcdef012345", SandboxIds.Short("abcdef0123456789"));
        Assert.Equal("abc", SandboxIds.Short("abc"));
    }
}
