namespace IpyBox.AI;

/// <summary>Settings of the <see cref="IpyBoxContextProvider"/>.</summary>
public sealed class IpyBoxContextProviderOptions
{
    /// <summary>The instructions the provider adds when none are configured.</summary>
    public const string DefaultInstructions =
        "You can run Python in a sandbox with the execute_python tool. The kernel is stateful for this conversation: " +
        "variables, imports and files in /app persist between calls. Use print() for values you need to see and plt.show() to return a plot as an image.";

    /// <summary>Gets or sets the instructions added to every run so that the model knows how to use the sandbox; <see langword="null"/> or empty adds none.</summary>
    /// <value>The default value is <see cref="DefaultInstructions"/>.</value>
    public string? Instructions { get; set; } = DefaultInstructions;
}
