namespace IpyBox.AI.DocSnippets;

/// <summary>The code of docs/files.md.</summary>
internal static class FilesPage
{
    public static async Task RunAsync()
    {
        // <files>
        await using var container = await ExecutionContainer.StartAsync();
        var files = new ResourceClient(container);

        await files.UploadFileAsync("report.txt", "inbox/report.txt");       // parents are created
        await files.UploadDirectoryAsync("dataset", "dataset");              // contents of ./dataset → /app/dataset

        foreach (var entry in await files.ListAsync("inbox"))
        {
            Console.WriteLine($"{entry.Kind} {entry.Size} {entry.Modified:u} {entry.RelativePath}");
        }

        await files.DownloadFileAsync("inbox/summary.txt", "out/summary.txt");
        await files.DownloadDirectoryAsync("dataset_copy", "out/copy");
        await files.DeleteFileAsync("inbox/report.txt");
        // </files>
    }
}
