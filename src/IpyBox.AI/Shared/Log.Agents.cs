using Microsoft.Extensions.Logging;

namespace IpyBox.AI;

/// <summary>Log messages of tool-call checks (conversation keys, approval, arguments; event ids 260-269) and of the image preparation at start (270-279).</summary>
internal static partial class Log
{
    [LoggerMessage(260, LogLevel.Warning, "Tool {Tool} was called without a conversation key and IpyBoxOptions.DefaultConversationKey is not set; the call was refused.")]
    public static partial void ToolCallWithoutConversation(ILogger logger, string tool);

    [LoggerMessage(261, LogLevel.Information, "Tool {Tool} was not approved; it did not run.")]
    public static partial void ToolNotApproved(ILogger logger, string tool);

    [LoggerMessage(262, LogLevel.Information, "Tool {Tool} was called with arguments that do not fit its schema: {Problem}")]
    public static partial void ToolArgumentsRefused(ILogger logger, string tool, string problem);

    [LoggerMessage(270, LogLevel.Information, "Preparing IpyBox: checking the container engine and the runtime image {Image}.")]
    public static partial void ImagePreparationStarted(ILogger logger, string image);

    [LoggerMessage(271, LogLevel.Information, "Runtime image {Image}: {Status}")]
    public static partial void ImagePreparationProgress(ILogger logger, string image, string status);

    [LoggerMessage(272, LogLevel.Information, "IpyBox is prepared: the engine answers and image {Image} is ready ({Seconds:0.0} s).")]
    public static partial void ImagePreparationFinished(ILogger logger, string image, double seconds);

    [LoggerMessage(273, LogLevel.Error, "Preparing the IpyBox image failed; the first tool call will try again and report the error to the model.")]
    public static partial void ImagePreparationFailed(ILogger logger, Exception exception);

    [LoggerMessage(274, LogLevel.Information, "IpyBox needs no image prepared: sandboxes come from {Provider}, which uses no Docker engine.")]
    public static partial void ImagePreparationNotNeeded(ILogger logger, string provider);
}
