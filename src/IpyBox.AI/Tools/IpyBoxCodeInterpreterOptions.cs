namespace IpyBox.AI;

/// <summary>Settings of the <see cref="IpyBoxCodeInterpreterChatClient"/>.</summary>
public sealed class IpyBoxCodeInterpreterOptions
{
    /// <summary>The function name the model sees when none is configured.</summary>
    public const string DefaultFunctionName = "run_python";

    /// <summary>The description the model sees when none is configured.</summary>
    public const string DefaultDescription =
        "Runs Python code in a stateful IPython kernel in a sandbox and returns its output. Variables, imports and files persist " +
        "between calls in this conversation; the working directory is /app. Files given to you are in /app/inputs. " +
        "Save files meant for the user in /app/outputs. Call plt.show() to return a plot as an image; print() what you need to see.";

    /// <summary>
    /// Gets or sets the name of the function that stands in for the code interpreter. Choose one the request's other tools
    /// do not use.
    /// </summary>
    /// <value>The default value is <see cref="DefaultFunctionName"/>.</value>
    public string FunctionName { get; set; } = DefaultFunctionName;

    /// <summary>Gets or sets the description of the function, written for the model.</summary>
    /// <value>The default value is <see cref="DefaultDescription"/>.</value>
    public string Description { get; set; } = DefaultDescription;

    /// <summary>
    /// Gets or sets the folder, relative to <c>/app</c>, into which the files of <c>HostedCodeInterpreterTool.Inputs</c> are
    /// uploaded.
    /// </summary>
    /// <value>The default value is <c>inputs</c>.</value>
    public string InputFolder { get; set; } = "inputs";

    /// <summary>
    /// Gets or sets the folder, relative to <c>/app</c>, whose new or changed files a call reports to the caller as
    /// <see cref="Microsoft.Extensions.AI.HostedFileContent"/> (its <c>FileId</c> is the file's path in the sandbox; fetch it
    /// with <see cref="IpyBoxCodeInterpreterChatClient.DownloadFileAsync"/>). <see langword="null"/> or empty reports none.
    /// </summary>
    /// <value>The default value is <c>outputs</c>.</value>
    public string? OutputFolder { get; set; } = "outputs";
}
