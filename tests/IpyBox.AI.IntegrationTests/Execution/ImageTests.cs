namespace IpyBox.AI.IntegrationTests;

[Collection(SandboxCollection.Name)]
public sealed class ImageTests(SandboxFixture sandbox)
{
    // The inline backend crops figures to their content by default; without it the pixel size is figsize * dpi.
    private const string NoTightBoundingBox = "%config InlineBackend.print_figure_kwargs = {'bbox_inches': None}\n";

    [Fact]
    public async Task A_plot_comes_back_as_png_with_its_pixel_size()
    {
        await using var client = await sandbox.ConnectAsync();
        var result = await client.ExecuteAsync(
            NoTightBoundingBox + "import matplotlib.pyplot as plt\nimport numpy as np\n" +
            "fig = plt.figure(figsize=(4, 3), dpi=100)\nx = np.linspace(0, 6.28, 100)\nplt.plot(x, np.sin(x))\nplt.show()\nprint('plotted')");

        var image = Assert.Single(result.Images);
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal(400, image.Width);
        Assert.Equal(300, image.Height);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, image.Data[..4].ToArray());
        Assert.Equal("plotted", result.Text);
    }

    [Fact]
    public async Task Two_images_arrive_in_order_with_their_sizes()
    {
        await using var client = await sandbox.ConnectAsync();
        var result = await client.ExecuteAsync(
            NoTightBoundingBox + "import matplotlib.pyplot as plt\n" +
            "plt.figure(figsize=(2, 1), dpi=100); plt.plot([1, 2]); plt.show()\n" +
            "plt.figure(figsize=(3, 5), dpi=100); plt.plot([2, 1]); plt.show()");

        Assert.Collection(
            result.Images,
            first => Assert.Equal((200, 100), (first.Width, first.Height)),
            second => Assert.Equal((300, 500), (second.Width, second.Height)));
        Assert.Null(result.Text);
    }

    [Fact]
    public async Task A_jpeg_image_is_recognised()
    {
        await using var client = await sandbox.ConnectAsync();
        var result = await client.ExecuteAsync(
            "from PIL import Image\nfrom IPython.display import display, Image as Show\nimport io\n" +
            "buf = io.BytesIO(); Image.new('RGB', (64, 48), 'red').save(buf, format='JPEG')\n" +
            "display(Show(data=buf.getvalue(), format='jpeg'))");

        var image = Assert.Single(result.Images);
        Assert.Equal("image/jpeg", image.MediaType);
        Assert.Equal((64, 48), (image.Width, image.Height));
    }
}
