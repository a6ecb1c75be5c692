using System.Formats.Tar;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpyBox.AI.Tests;

/// <summary>Archives a hostile engine or container could send, crafted by hand: nothing may land outside the target.</summary>
public sealed class ArchiveExtractorTests : IDisposable
{
    private readonly TempDirectory _root = new("ipybox-extract-");

    public void Dispose() => _root.Dispose();

    private string Target => Path.Combine(_root.FullName, "target");

    [Theory]
    [InlineData("root/../escaped.txt")]
    [InlineData("root/a/../../escaped.txt")]
    [InlineData("/tmp/escaped.txt")]
    [InlineData("../escaped.txt")]
    [InlineData("other/escaped.txt")]
    public async Task An_entry_that_escapes_aborts_the_extraction(string name)
    {
        Directory.CreateDirectory(Target);
        using var archive = Build(
            (TarEntryType.Directory, "root/", null, null),
            (TarEntryType.RegularFile, "root/ok.txt", "fine", null),
            (TarEntryType.RegularFile, name, "evil", null));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            ArchiveExtractor.ExtractDirectoryAsync(archive, Target, NullLogger.Instance, CancellationToken.None));
        Assert.Contains("unsafe entry", error.Message);
        Assert.Equal(["target"], _root.Info.GetFileSystemInfos().Select(i => i.Name));
        Assert.False(File.Exists("/tmp/escaped.txt"));
    }

    [Fact]
    public async Task Names_with_backslashes_are_renamed_inside_the_target_and_the_rest_is_written()
    {
        // Legal file names on Linux; on Windows a backslash is a separator. Renamed the same way on every host.
        Directory.CreateDirectory(Target);
        using var archive = Build(
            (TarEntryType.Directory, "root/", null, null),
            (TarEntryType.RegularFile, "root/a\\b.txt", "ab", null),
            (TarEntryType.RegularFile, "root/..\\x.txt", "x", null),
            (TarEntryType.RegularFile, "root/a\\..\\..\\escaped.txt", "evil", null),
            (TarEntryType.RegularFile, "root/ok.txt", "fine", null));

        await ArchiveExtractor.ExtractDirectoryAsync(archive, Target, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(["target"], _root.Info.GetFileSystemInfos().Select(i => i.Name));
        var written = Directory.EnumerateFileSystemEntries(Target, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Target, p)).Order(StringComparer.Ordinal);
        Assert.Equal([".._x.txt", "a_.._.._escaped.txt", "a_b.txt", "ok.txt"], written);
        Assert.Equal("ab", await File.ReadAllTextAsync(Path.Combine(Target, "a_b.txt")));
        Assert.False(File.Exists(Path.Combine(_root.FullName, "escaped.txt")));
    }

    [Fact]
    public async Task Links_and_devices_are_skipped_and_a_path_through_a_skipped_link_stays_inside()
    {
        Directory.CreateDirectory(Target);
        using var archive = Build(
            (TarEntryType.Directory, "root/", null, null),
            (TarEntryType.SymbolicLink, "root/out", null, _root.FullName),
            (TarEntryType.RegularFile, "root/out/planted.txt", "planted", null),
            (TarEntryType.HardLink, "root/hard", null, "/etc/passwd"),
            (TarEntryType.HardLink, "root/hard2", null, "root/../../etc/passwd"),
            (TarEntryType.CharacterDevice, "root/null", null, null),
            (TarEntryType.Fifo, "root/fifo", null, null),
            (TarEntryType.RegularFile, "root/real.txt", "real", null),
            (TarEntryType.HardLink, "root/copy.txt", null, "root/real.txt"));

        await ArchiveExtractor.ExtractDirectoryAsync(archive, Target, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(["target"], _root.Info.GetFileSystemInfos().Select(i => i.Name));
        var written = Directory.EnumerateFileSystemEntries(Target, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Target, p)).Order(StringComparer.Ordinal);
        Assert.Equal(["copy.txt", "out", Path.Combine("out", "planted.txt"), "real.txt"], written);
        Assert.Null(new DirectoryInfo(Path.Combine(Target, "out")).LinkTarget);
        Assert.Equal("real", await File.ReadAllTextAsync(Path.Combine(Target, "copy.txt")));
    }

    [Fact]
    public async Task A_file_download_refuses_an_archive_that_does_not_start_with_a_regular_file()
    {
        using var archive = Build((TarEntryType.SymbolicLink, "passwd", null, "/etc/passwd"));
        var target = Path.Combine(_root.FullName, "file.txt");
        await Assert.ThrowsAsync<InvalidDataException>(() => ArchiveExtractor.ExtractFileAsync(archive, target, CancellationToken.None));
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void Archive_names_are_split_safely()
    {
        Assert.True(ArchivePath.TrySplit("a/./b//c", out var segments));
        Assert.Equal(["a", "b", "c"], segments);
        Assert.False(ArchivePath.TrySplit("a/../b", out _));
        Assert.False(ArchivePath.TrySplit("/a", out _));
        Assert.False(ArchivePath.TrySplit("C:/a", out _));
        Assert.False(ArchivePath.TrySplit("a\0b", out _));
    }

    private static MemoryStream Build(params (TarEntryType Type, string Name, string? Content, string? Link)[] entries)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (type, name, content, link) in entries)
            {
                var entry = new PaxTarEntry(type, name);
                if (content is not null)
                {
                    entry.DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content));
                }

                if (link is not null)
                {
                    entry.LinkName = link;
                }

                writer.WriteEntry(entry);
            }
        }

        stream.Position = 0;
        return stream;
    }
}
