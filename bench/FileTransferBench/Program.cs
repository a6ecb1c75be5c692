// Moves one large file into a sandbox and back, and reports throughput and the process's peak working set.
// Usage: dotnet run -c Release --project bench/FileTransferBench [-- <megabytes>]   (default 200)
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using IpyBox.AI;

var megabytes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
var work = Directory.CreateTempSubdirectory("ipybox-bench-");
try
{
    var source = Path.Combine(work.FullName, "payload.bin");
    var buffer = new byte[1 << 20];
    await using (var file = File.Create(source))
    {
        for (var i = 0; i < megabytes; i++)
        {
            RandomNumberGenerator.Fill(buffer);
            await file.WriteAsync(buffer);
        }
    }

    await using var container = await ExecutionContainer.StartAsync();
    var files = new ResourceClient(container);
    using var self = Process.GetCurrentProcess();
    self.Refresh();
    var baseline = self.PeakWorkingSet64;

    var upload = Stopwatch.StartNew();
    await files.UploadFileAsync(source, "bench/payload.bin");
    upload.Stop();

    var target = Path.Combine(work.FullName, "back.bin");
    var download = Stopwatch.StartNew();
    await files.DownloadFileAsync("bench/payload.bin", target);
    download.Stop();

    self.Refresh();
    var size = new FileInfo(source).Length;
    var same = Convert.ToHexString(await HashAsync(source)) == Convert.ToHexString(await HashAsync(target));
    Console.WriteLine($"file size:           {size / 1e6:0.0} MB");
    Console.WriteLine($"upload:              {upload.Elapsed.TotalSeconds:0.00} s = {size / 1e6 / upload.Elapsed.TotalSeconds:0.0} MB/s");
    Console.WriteLine($"download:            {download.Elapsed.TotalSeconds:0.00} s = {size / 1e6 / download.Elapsed.TotalSeconds:0.0} MB/s");
    Console.WriteLine($"peak working set:    {self.PeakWorkingSet64 / 1e6:0.0} MB (before the transfers: {baseline / 1e6:0.0} MB)");
    Console.WriteLine($"content identical:   {same}");
    return same ? 0 : 1;
}
finally
{
    work.Delete(recursive: true);
}

static async Task<byte[]> HashAsync(string path)
{
    await using var stream = File.OpenRead(path);
    return await SHA256.HashDataAsync(stream);
}
