namespace IpyBox.AI.Cli.Tests.Mcp;

/// <summary>upload_file and download_file: allowed inside <c>--allowed-dir</c>, refused anywhere else however the path is spelled.</summary>
[Collection(McpServerCollection.Name)]
public sealed class McpFileTransferTests(McpServerFixture server)
{
    [Fact]
    public async Task Uploads_and_downloads_a_file_inside_the_allowed_directory()
    {
        var source = Path.Combine(server.AllowedDirectory, "upload-source.txt");
        await File.WriteAllTextAsync(source, "from the host");

        var upload = await server.CallAsync("upload_file", new() { ["relpath"] = "transfer/in.txt", ["local_path"] = source });
        Assert.False(upload.IsError == true, McpServerFixture.TextOf(upload));
        Assert.Equal("from the host", (await server.ExecuteAsync("print(open('transfer/in.txt').read())")).Trim());

        await server.ExecuteAsync("open('transfer/out.txt', 'w').write('from the sandbox')");
        var target = Path.Combine(server.AllowedDirectory, "nested", "downloaded.txt");
        var download = await server.CallAsync("download_file", new() { ["relpath"] = "transfer/out.txt", ["local_path"] = target });
        Assert.False(download.IsError == true, McpServerFixture.TextOf(download));
        Assert.Equal("from the sandbox", await File.ReadAllTextAsync(target));
    }

    [Fact]
    public async Task Refuses_host_paths_outside_the_allowed_directory()
    {
        var outside = Path.Combine(server.OutsideDirectory, "secret.txt");
        await File.WriteAllTextAsync(outside, "not for the sandbox");

        await AssertUploadRefusedAsync(outside, "direct");
        await AssertDownloadRefusedAsync(Path.Combine(server.OutsideDirectory, "direct-download.txt"));
    }

    [Fact]
    public async Task Refuses_paths_that_leave_the_allowed_directory_with_dot_dot()
    {
        var outside = Path.Combine(server.OutsideDirectory, "dotdot-secret.txt");
        await File.WriteAllTextAsync(outside, "not for the sandbox");
        var escaping = Path.Combine(server.AllowedDirectory, "..", "outside", "dotdot-secret.txt");

        await AssertUploadRefusedAsync(escaping, "dotdot");
        await AssertDownloadRefusedAsync(Path.Combine(server.AllowedDirectory, "..", "outside", "dotdot-download.txt"));
    }

    [Fact]
    public async Task Refuses_symbolic_links_inside_the_allowed_directory_that_point_out()
    {
        var outside = Path.Combine(server.OutsideDirectory, "linked-secret.txt");
        await File.WriteAllTextAsync(outside, "not for the sandbox");
        var fileLink = Path.Combine(server.AllowedDirectory, "link-to-secret.txt");
        File.CreateSymbolicLink(fileLink, outside);
        var directoryLink = Path.Combine(server.AllowedDirectory, "link-to-outside");
        Directory.CreateSymbolicLink(directoryLink, server.OutsideDirectory);

        await AssertUploadRefusedAsync(fileLink, "file-link");
        await AssertUploadRefusedAsync(Path.Combine(directoryLink, "linked-secret.txt"), "dir-link");

        // Writing through a link must not replace the file it points to, nor create one next to it.
        await server.ExecuteAsync("open('overwrite.txt', 'w').write('from the sandbox')");
        var result = await server.CallAsync("download_file", new() { ["relpath"] = "overwrite.txt", ["local_path"] = fileLink });
        Assert.True(result.IsError);
        Assert.Equal("not for the sandbox", await File.ReadAllTextAsync(outside));
        await AssertDownloadRefusedAsync(Path.Combine(directoryLink, "through-link.txt"));

        // '..' after a link: whichever way it is read, the file outside must not reach the sandbox.
        var linkThenDotDot = Path.Combine(directoryLink, "..", "outside", "linked-secret.txt");
        var upload = await server.CallAsync("upload_file", new() { ["relpath"] = "refused/link-dotdot.txt", ["local_path"] = linkThenDotDot });
        Assert.True(upload.IsError, McpServerFixture.TextOf(upload));
        Assert.Equal("False", (await server.ExecuteAsync("import os\nprint(os.path.exists('refused/link-dotdot.txt'))")).Trim());
    }

    [Fact]
    public async Task Calls_are_served_one_at_a_time()
    {
        var target = Path.Combine(server.AllowedDirectory, "serialised.txt");

        // The sandbox exists before the two calls race (the first call of a run creates it, and both would wait for that).
        await server.ExecuteAsync("pass");

        // The download is sent while the cell still runs; it must wait for the cell, which creates the file at its end.
        var cell = server.CallAsync("execute_ipython_cell", new() { ["code"] = "import time\ntime.sleep(4)\nopen('serialised.txt', 'w').write('written by the cell')" });
        await Task.Delay(TimeSpan.FromSeconds(1));
        var download = await server.CallAsync("download_file", new() { ["relpath"] = "serialised.txt", ["local_path"] = target });

        Assert.NotEqual(true, (await cell).IsError);
        Assert.False(download.IsError == true, McpServerFixture.TextOf(download));
        Assert.Equal("written by the cell", await File.ReadAllTextAsync(target));
    }

    private async Task AssertUploadRefusedAsync(string localPath, string name)
    {
        var result = await server.CallAsync("upload_file", new() { ["relpath"] = $"refused/{name}.txt", ["local_path"] = localPath });

        Assert.True(result.IsError, $"upload of {localPath} was not refused: {McpServerFixture.TextOf(result)}");
        Assert.Contains("outside the allowed directories", McpServerFixture.TextOf(result), StringComparison.Ordinal);
        Assert.Equal("False", (await server.ExecuteAsync($"import os\nprint(os.path.exists('refused/{name}.txt'))")).Trim());
    }

    private async Task AssertDownloadRefusedAsync(string localPath)
    {
        await server.ExecuteAsync("open('refused-download.txt', 'w').write('from the sandbox')");

        var result = await server.CallAsync("download_file", new() { ["relpath"] = "refused-download.txt", ["local_path"] = localPath });

        Assert.True(result.IsError, $"download to {localPath} was not refused: {McpServerFixture.TextOf(result)}");
        Assert.Contains("outside the allowed directories", McpServerFixture.TextOf(result), StringComparison.Ordinal);
        Assert.False(File.Exists(localPath));
        Assert.False(File.Exists(Path.GetFullPath(localPath)));
    }
}
