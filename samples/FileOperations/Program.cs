// File operations: move files and directories between the host and a sandbox with ResourceClient.
// Container paths are relative to /app, the kernel's working directory.
using IpyBox.AI;

var work = Directory.CreateTempSubdirectory("ipybox-files-sample-");
try
{
    // Some host content to upload.
    var report = Path.Combine(work.FullName, "report.txt");
    await File.WriteAllTextAsync(report, "quarterly numbers");
    var dataset = Directory.CreateDirectory(Path.Combine(work.FullName, "dataset"));
    await File.WriteAllTextAsync(Path.Combine(dataset.FullName, "a.csv"), "x,y\n1,2\n");
    Directory.CreateDirectory(Path.Combine(dataset.FullName, "raw"));
    await File.WriteAllTextAsync(Path.Combine(dataset.FullName, "raw", "b.csv"), "x,y\n3,4\n");

    await using var container = await ExecutionContainer.StartAsync();
    var files = new ResourceClient(container);

    await files.UploadFileAsync(report, "inbox/report.txt");          // a single file (parents are created)
    await files.UploadDirectoryAsync(dataset.FullName, "dataset");    // a whole directory

    // Work on the files inside the container: copy the directory and write a result.
    await using var client = container.CreateClient();
    await client.ConnectAsync();
    await client.ExecuteAsync("""
        import shutil
        shutil.copytree('dataset', 'dataset_copy')
        rows = sum(len(open(p).read().splitlines()) - 1 for p in ['dataset/a.csv', 'dataset/raw/b.csv'])
        open('inbox/summary.txt', 'w').write(f'{rows} rows')
        """);

    foreach (var entry in await files.ListAsync("inbox"))
    {
        Console.WriteLine($"{entry.Kind,-9} {entry.Size,6} {entry.Modified:u} {entry.RelativePath}");
    }

    var summary = Path.Combine(work.FullName, "out", "summary.txt");
    await files.DownloadFileAsync("inbox/summary.txt", summary);       // a single file
    await files.DownloadDirectoryAsync("dataset_copy", Path.Combine(work.FullName, "out", "copy")); // a directory
    await files.DeleteFileAsync("inbox/report.txt");                  // delete a file

    var text = await File.ReadAllTextAsync(summary);
    Console.WriteLine($"summary: {text}");
    var remaining = (await files.ListAsync("inbox")).Select(e => e.Name).ToArray();
    if (text != "2 rows"
        || !File.Exists(Path.Combine(work.FullName, "out", "copy", "raw", "b.csv"))
        || remaining.SequenceEqual(["summary.txt"]) is false)
    {
        throw new InvalidOperationException("the file operations did not produce the expected files");
    }
}
finally
{
    work.Delete(recursive: true);
}
