namespace IpyBox.AI.Tests;

public sealed class JupyterMessageTests
{
    [Fact]
    public void Parses_channel_type_parent_and_content()
    {
        var message = JupyterMessage.Parse(Frames.Stream("req-1", "stdout", "hi\n"));
        Assert.NotNull(message);
        Assert.Equal("iopub", message.Channel);
        Assert.Equal("stream", message.MessageType);
        Assert.Equal("req-1", message.ParentId);
        Assert.Equal("hi\n", message.GetString("text"));
        Assert.Equal("stdout", message.GetString("name"));
    }

    [Fact]
    public void A_message_without_parent_has_null_parent_id()
    {
        var message = JupyterMessage.Parse("""{"header":{"msg_type":"status"},"parent_header":{},"channel":"iopub","content":{"execution_state":"starting"}}""");
        Assert.NotNull(message);
        Assert.Null(message.ParentId);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"header":{}}""")]
    [InlineData("""{"header":{"msg_type":5}}""")]
    public void Frames_that_are_not_messages_give_null(string frame) => Assert.Null(JupyterMessage.Parse(frame));

    [Fact]
    public void Invalid_json_throws() => Assert.ThrowsAny<System.Text.Json.JsonException>(() => JupyterMessage.Parse("{not json"));

    [Fact]
    public void Execute_request_carries_code_session_and_a_fresh_id()
    {
        var (id, frame) = JupyterRequest.Execute("session-9", "print('x')", allowStdin: false);
        var (otherId, _) = JupyterRequest.Execute("session-9", "print('x')", allowStdin: false);
        Assert.NotEqual(id, otherId);

        using var document = System.Text.Json.JsonDocument.Parse(frame);
        var root = document.RootElement;
        Assert.Equal("shell", root.GetProperty("channel").GetString());
        Assert.Equal(id, root.GetProperty("header").GetProperty("msg_id").GetString());
        Assert.Equal("execute_request", root.GetProperty("header").GetProperty("msg_type").GetString());
        Assert.Equal("session-9", root.GetProperty("header").GetProperty("session").GetString());
        Assert.Equal("print('x')", root.GetProperty("content").GetProperty("code").GetString());
        Assert.False(root.GetProperty("content").GetProperty("allow_stdin").GetBoolean());
        Assert.False(root.GetProperty("content").GetProperty("stop_on_error").GetBoolean());
    }
}
