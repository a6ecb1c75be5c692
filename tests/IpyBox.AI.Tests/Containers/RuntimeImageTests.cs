using System.Formats.Tar;
using System.Text;

namespace IpyBox.AI.Tests;

public sealed class RuntimeImageTests
{
    [Fact]
    public void The_context_is_embedded()
    {
        Assert.Contains("Dockerfile", RuntimeImage.ContextFiles.Keys);
        Assert.Contains("entrypoint.sh", RuntimeImage.ContextFiles.Keys);
        Assert.Matches("^ipybox-ai:[0-9a-f]{12}$", RuntimeImage.DefaultTag);
        Assert.Equal(RuntimeImage.DefaultTag + "-root", RuntimeImage.RootTag);
    }

    [Fact]
    public void The_version_matches_the_docker_folder_as_the_eng_script_hashes_it()
    {
        var folder = Path.Combine(RepositoryRoot(), "docker");
        var files = Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal);
        Assert.Equal(RuntimeImage.ComputeVersion(files), RuntimeImage.Version);
    }

    [Fact]
    public void The_version_changes_with_any_byte_of_the_context()
    {
        var files = RuntimeImage.ContextFiles.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var original = RuntimeImage.ComputeVersion(files);
        files["Dockerfile"] = [.. files["Dockerfile"], (byte)'\n'];
        Assert.NotEqual(original, RuntimeImage.ComputeVersion(files));
    }

    [Fact]
    public void The_context_archive_holds_every_file_and_extra_files()
    {
        using var archive = RuntimeImage.CreateContextArchive(new Dictionary<string, byte[]> { ["extra.txt"] = Encoding.UTF8.GetBytes("x") });
        using var reader = new TarReader(archive);
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
            if (entry.Name.EndsWith(".sh", StringComparison.Ordinal))
            {
                Assert.True(entry.Mode.HasFlag(UnixFileMode.UserExecute));
            }
        }

        Assert.Equal(RuntimeImage.ContextFiles.Keys.Append("extra.txt").Order(), names.Order());
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "IpyBox.AI.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }
}
