using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IpyBox.AI.Tests;

/// <summary><see cref="FrameAssembler"/> turns any frame into one of bounded size that still parses, fed in pieces as a WebSocket delivers them.</summary>
public sealed class FrameAssemblerTests
{
    [Fact]
    public void A_frame_within_the_limit_passes_unchanged_whatever_the_pieces()
    {
        var frame = Frames.Stream("cell", "stdout", "héllo \"quoted\" \\ back\n😀 end");
        var assembler = new FrameAssembler(64 * 1024);

        Assert.Equal(frame, Assemble(assembler, frame, pieceSize: 3));
    }

    [Fact]
    public void A_string_over_the_limit_keeps_head_and_tail_around_a_marker_and_the_frame_still_parses()
    {
        var text = "HEAD" + new string('x', 1_000_000) + "é😀\\n\"" + "TAIL";
        var frame = Frames.Stream("cell", "stdout", text);
        var assembler = new FrameAssembler(64 * 1024);

        var kept = Assemble(assembler, frame, pieceSize: 4096);

        Assert.True(kept.Length < 64 * 1024, $"the frame kept {kept.Length} bytes");
        var message = JupyterMessage.Parse(kept)!;
        var keptText = message.GetString("text")!;
        Assert.StartsWith("HEADxxx", keptText);
        Assert.EndsWith("é😀\\n\"TAIL", keptText);
        Assert.Contains("bytes dropped", keptText);
        Assert.Equal("cell", message.ParentId);
    }

    [Fact]
    public void A_string_many_times_the_limit_read_in_socket_sized_pieces_keeps_its_tail()
    {
        var frame = Frames.Stream("cell", "stdout", "HEAD" + new string('x', 5_000_000) + "TAIL");
        var assembler = new FrameAssembler(1024 * 1024);

        var text = JupyterMessage.Parse(Assemble(assembler, frame, pieceSize: 64 * 1024))!.GetString("text")!;

        Assert.StartsWith("HEADxxx", text);
        Assert.True(text.EndsWith("xxxTAIL", StringComparison.Ordinal), text[^100..]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void A_cut_never_splits_an_escape_or_a_character(int pieceSize)
    {
        // Escapes and multi-byte characters everywhere: wherever the head ends and the tail starts, both must stay valid.
        var text = string.Concat(Enumerable.Repeat("\\u00e9é😀\n\t\"", 40_000));
        var frame = Frames.Stream("cell", "stdout", text);
        var assembler = new FrameAssembler(64 * 1024);

        var kept = Assemble(assembler, frame, pieceSize);

        var keptText = JupyterMessage.Parse(kept)!.GetString("text")!;
        Assert.DoesNotContain('\uFFFD', keptText);
        Assert.Contains("bytes dropped", keptText);
    }

    [Fact]
    public void Any_mix_of_characters_and_escapes_cut_anywhere_still_parses()
    {
        var random = new Random(11);
        string[] units = ["a", "é", "😀", "\n", "\"", "\\", "\t", "€"];
        for (var round = 0; round < 300; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 3000)).Select(_ => units[random.Next(units.Length)]));
            var frame = Frames.Stream("cell", "stdout", text);
            var assembler = new FrameAssembler(random.Next(700, 4000));

            var kept = JupyterMessage.Parse(Assemble(assembler, frame, pieceSize: random.Next(1, 50)))!.GetString("text")!;

            Assert.DoesNotContain('\uFFFD', kept);
            Assert.Equal(text[..Math.Min(text.Length, 20)], kept[..Math.Min(text.Length, 20)]);
        }
    }

    [Fact]
    public void A_lone_surrogate_escape_becomes_the_replacement_character_and_a_valid_pair_stays()
    {
        const string frame = """{"header":{"msg_type":"stream"},"parent_header":{"msg_id":"cell"},"channel":"iopub","content":{"name":"stdout","text":"a\ud800b\udc00c\ud83d\ude00d\ud800"}}""";
        var assembler = new FrameAssembler(64 * 1024);

        var kept = Assemble(assembler, frame, pieceSize: 5);

        Assert.Equal("a\uFFFDb\uFFFDc😀d\uFFFD", JupyterMessage.Parse(kept)!.GetString("text"));
    }

    [Fact]
    public void A_frame_too_large_even_with_its_strings_cut_is_dropped_and_the_next_one_passes()
    {
        var huge = "[" + string.Join(',', Enumerable.Repeat("1", 100_000)) + "]";
        var assembler = new FrameAssembler(64 * 1024);

        assembler.Append(Encoding.UTF8.GetBytes(huge));
        Assert.False(assembler.Complete(out var dropped));
        Assert.True(dropped.IsEmpty);
        Assert.Equal(huge.Length, assembler.ReceivedBytes);
        assembler.Reset();

        var frame = Frames.Status("cell", "idle");
        Assert.Equal(frame, Assemble(assembler, frame, pieceSize: 100));
    }

    [Fact]
    public void A_dropped_frame_still_tells_its_type_the_request_it_answers_and_its_media_types()
    {
        // Two representations of one picture, each cut to half the limit, are together still too large: the message is dropped.
        var frame = Frames.Display("cell", new JsonObject
        {
            ["image/png"] = new string('A', 200_000),
            ["image/jpeg"] = new string('B', 200_000),
            ["text/plain"] = "<PIL.Image.Image image mode=RGB size=4000x4000>",
        });
        var assembler = new FrameAssembler(64 * 1024);

        assembler.Append(Encoding.UTF8.GetBytes(frame));

        Assert.False(assembler.Complete(out _));
        var dropped = assembler.Dropped();
        Assert.Equal("display_data", dropped.MessageType);
        Assert.Equal("cell", dropped.ParentId);
        Assert.Contains("image/png", dropped.MediaTypes);
        Assert.Equal(Encoding.UTF8.GetByteCount(frame), dropped.Size);
        var marker = dropped.Describe(attributed: true);
        Assert.Contains("display_data message (image/png", marker);
        Assert.Contains("ExecutionClientOptions.MaxMessageSize", marker);
    }

    [Fact]
    public void A_dropped_frame_whose_header_never_arrived_has_no_request()
    {
        var frame = "{\"content\":{\"data\":[" + string.Join(',', Enumerable.Repeat("1", 100_000)) + "]},\"parent_header\":{\"msg_id\":\"cell\"}}";
        var assembler = new FrameAssembler(64 * 1024);

        assembler.Append(Encoding.UTF8.GetBytes(frame));

        Assert.False(assembler.Complete(out _));
        var dropped = assembler.Dropped();
        Assert.Null(dropped.ParentId);
        Assert.Null(dropped.MessageType);
        Assert.Contains("could not be matched to an execution", dropped.Describe(attributed: false));
    }

    private static string Assemble(FrameAssembler assembler, string frame, int pieceSize)
    {
        var bytes = Encoding.UTF8.GetBytes(frame);
        for (var offset = 0; offset < bytes.Length; offset += pieceSize)
        {
            assembler.Append(bytes.AsSpan(offset, Math.Min(pieceSize, bytes.Length - offset)));
        }

        Assert.True(assembler.Complete(out var kept));
        var text = Encoding.UTF8.GetString(kept.Span);
        assembler.Reset();
        using var document = JsonDocument.Parse(text);
        return text;
    }
}
