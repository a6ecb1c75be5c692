using System.Text.Json.Nodes;

namespace IpyBox.AI.Tests;

public sealed class OutputCollectorTests
{
    private const string Id = "req";

    [Fact]
    public void Completes_only_after_both_reply_and_idle()
    {
        var collector = new OutputCollector();
        collector.Accept(Frames.Parse(Frames.Status(Id, "busy")));
        collector.Accept(Frames.Parse(Frames.Reply(Id)));
        Assert.False(collector.IsComplete);
        collector.Accept(Frames.Parse(Frames.Stream(Id, "stdout", "late\n")));
        collector.Accept(Frames.Parse(Frames.Status(Id, "idle")));
        Assert.True(collector.IsComplete);
        Assert.Equal("late", collector.ToResult().Text);
    }

    [Fact]
    public void Idle_first_then_reply_also_completes()
    {
        var collector = new OutputCollector();
        collector.Accept(Frames.Parse(Frames.Status(Id, "idle")));
        Assert.False(collector.IsComplete);
        collector.Accept(Frames.Parse(Frames.Reply(Id)));
        Assert.True(collector.IsComplete);
    }

    [Fact]
    public void Text_joins_streams_and_results_in_order_and_trims()
    {
        var collector = new OutputCollector();
        Assert.Equal("a\n", collector.Accept(Frames.Parse(Frames.Stream(Id, "stdout", "a\n"))));
        Assert.Equal("b\n", collector.Accept(Frames.Parse(Frames.Stream(Id, "stderr", "b\n"))));
        Assert.Equal("42\n", collector.Accept(Frames.Parse(Frames.Result(Id, new JsonObject { ["text/plain"] = "42" }, count: 7))));
        collector.Accept(Frames.Parse(Frames.Reply(Id, count: 7)));

        var result = collector.ToResult();
        Assert.Equal("a\nb\n42", result.Text);
        Assert.Equal("a\n", result.Stdout);
        Assert.Equal("b\n", result.Stderr);
        Assert.Equal(7, result.ExecutionCount);
    }

    [Fact]
    public void A_result_after_output_without_newline_starts_a_new_line()
    {
        var collector = new OutputCollector();
        collector.Accept(Frames.Parse(Frames.Stream(Id, "stdout", "no newline")));
        Assert.Equal("\n1\n", collector.Accept(Frames.Parse(Frames.Result(Id, new JsonObject { ["text/plain"] = "1" }))));
        Assert.Equal("no newline\n1", collector.ToResult().Text);
    }

    [Fact]
    public void No_output_gives_null_text()
    {
        var collector = new OutputCollector();
        collector.Accept(Frames.Parse(Frames.Stream(Id, "stdout", "  \n")));
        Assert.Null(collector.ToResult().Text);
    }

    [Fact]
    public void Images_are_decoded_with_their_size_and_figure_text_is_dropped()
    {
        var collector = new OutputCollector();
        var chunk = collector.Accept(Frames.Parse(Frames.Display(Id, new JsonObject { ["image/png"] = Frames.TinyPng, ["text/plain"] = "<Figure size 3x2>" })));
        Assert.Null(chunk);

        var result = collector.ToResult();
        var image = Assert.Single(result.Images);
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal((3, 2), (image.Width, image.Height));
        Assert.Equal(".png", image.FileExtension);
        Assert.Null(result.Text);
    }

    [Fact]
    public void Undecodable_image_headers_give_zero_size_and_bad_base64_is_ignored()
    {
        var collector = new OutputCollector();
        collector.Accept(Frames.Parse(Frames.Display(Id, new JsonObject { ["image/png"] = Convert.ToBase64String("not a png"u8.ToArray()) })));
        collector.Accept(Frames.Parse(Frames.Display(Id, new JsonObject { ["image/jpeg"] = "%%%not-base64%%%" })));
        var image = Assert.Single(collector.ToResult().Images);
        Assert.Equal((0, 0), (image.Width, image.Height));
    }

    [Fact]
    public void Display_text_is_kept_when_there_is_no_rich_representation()
    {
        var collector = new OutputCollector();
        collector.Accept(Frames.Parse(Frames.Display(Id, new JsonObject { ["text/plain"] = "'shown'" })));
        Assert.Equal("'shown'", collector.ToResult().Text);
    }

    [Fact]
    public void Rich_outputs_keep_media_type_and_content()
    {
        var collector = new OutputCollector();
        collector.Accept(Frames.Parse(Frames.Display(Id, new JsonObject
        {
            ["text/html"] = "<b>x</b>",
            ["text/markdown"] = new JsonArray("# a", "\nb"),
            ["application/json"] = new JsonObject { ["k"] = 1 },
            ["image/svg+xml"] = "<svg/>",
            ["text/plain"] = "<IPython.core.display.HTML object>",
        })));

        var outputs = collector.ToResult().RichOutputs;
        Assert.Contains(new RichOutput("text/html", "<b>x</b>"), outputs);
        Assert.Contains(new RichOutput("text/markdown", "# a\nb"), outputs);
        Assert.Contains(new RichOutput("image/svg+xml", "<svg/>"), outputs);
        Assert.Contains(new RichOutput("application/json", """{"k":1}"""), outputs);
        Assert.Null(collector.ToResult().Text);
    }

    [Fact]
    public void Errors_give_name_value_and_trace_without_ansi_codes()
    {
        var collector = new OutputCollector();
        collector.Accept(Frames.Parse(Frames.Stream(Id, "stdout", "partial\n")));
        collector.Accept(Frames.Parse(Frames.Error(Id, "NameError", "name 'x' is not defined", "\u001b[0;31mNameError\u001b[0m Traceback", "\u001b[1;32m----> 1\u001b[0m x")));
        collector.Accept(Frames.Parse(Frames.Reply(Id, status: "error")));

        var error = collector.ToException();
        Assert.NotNull(error);
        Assert.Equal("NameError: name 'x' is not defined", error.Message);
        Assert.Equal("NameError Traceback\n----> 1 x", error.Trace);
        Assert.Equal("partial", error.Result?.Text);
    }

    [Fact]
    public void An_error_reply_without_an_error_message_still_fails()
    {
        var collector = new OutputCollector();
        collector.Accept(Frames.Parse(
            """{"header":{"msg_type":"execute_reply"},"parent_header":{"msg_id":"req"},"channel":"shell","content":{"status":"error","ename":"KeyboardInterrupt","evalue":"","traceback":[]}}"""));
        Assert.Equal("KeyboardInterrupt", collector.ToException()?.ErrorName);
    }

    [Fact]
    public void An_aborted_request_fails_instead_of_looking_empty()
    {
        var collector = new OutputCollector();
        collector.Accept(Frames.Parse(Frames.Reply(Id, status: "aborted")));
        Assert.Equal("ExecutionAborted", collector.ToException()?.ErrorName);
    }

    [Fact]
    public void Successful_execution_has_no_exception() => Assert.Null(new OutputCollector().ToException());
}
