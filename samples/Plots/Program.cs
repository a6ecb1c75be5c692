// Plots: a matplotlib figure comes back as a PNG with its pixel size; save it into a folder of its own.
using IpyBox.AI;

await using var container = await ExecutionContainer.StartAsync();
await using var client = container.CreateClient();
await client.ConnectAsync();

var result = await client.ExecuteAsync("""
    %config InlineBackend.print_figure_kwargs = {'bbox_inches': None}
    import matplotlib.pyplot as plt
    import numpy as np
    x = np.linspace(0, 2 * np.pi, 200)
    plt.figure(figsize=(6, 4), dpi=100)
    plt.plot(x, np.sin(x), label='sin')
    plt.plot(x, np.cos(x), label='cos')
    plt.legend()
    plt.show()
    """);

var image = result.Images.Count == 1 ? result.Images[0] : throw new InvalidOperationException($"expected one image, got {result.Images.Count}");
var output = Directory.CreateTempSubdirectory("ipybox-plots-");
var path = Path.Combine(output.FullName, $"sine-cosine{image.FileExtension}");
await image.SaveAsync(path);
Console.WriteLine($"Saved a {image.Width}x{image.Height} {image.MediaType} ({image.Data.Length} bytes) to {path}");
if ((image.Width, image.Height) != (600, 400))
{
    throw new InvalidOperationException("unexpected image size");
}
