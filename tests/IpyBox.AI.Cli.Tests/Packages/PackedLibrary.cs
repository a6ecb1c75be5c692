using System.IO.Compression;
using System.Xml.Linq;

namespace IpyBox.AI.Cli.Tests.Packages;

/// <summary>
/// The libraries packed once per test class into a folder of their own, under a version no feed has
/// (<c>0.0.0-test.&lt;run&gt;</c>), so a restore can only take them from that folder. Dispose removes the folder and the
/// copies the restores left in the NuGet packages cache.
/// </summary>
public sealed class PackedLibrary : IAsyncLifetime
{
    private static readonly string[] s_packageIds = ["IpyBox.AI", "IpyBox.AI.AgentFramework", "IpyBox.AI.Aspire.Hosting"];

    private readonly TempDirectory _directory = new("ipybox-package-tests-");

    /// <summary>Gets the run's id, also the prerelease part of <see cref="Version"/>.</summary>
    public string RunId { get; } = DockerEngine.NewRunId();

    /// <summary>Gets the version the packages were packed with.</summary>
    public string Version => $"0.0.0-test.{RunId}";

    /// <summary>Gets the folder with the packed <c>.nupkg</c> and <c>.snupkg</c> files.</summary>
    public string Folder => _directory.Combine("packages");

    /// <summary>Gets a scratch folder for the test, removed with the packages.</summary>
    public TempDirectory Scratch => _directory;

    /// <summary>Gets the path of a packed package.</summary>
    public string PackagePath(string id, string extension = "nupkg") => Path.Combine(Folder, $"{id}.{Version}.{extension}");

    /// <summary>Reads a file of a packed package.</summary>
    public string ReadEntry(string id, string entry)
    {
        using var archive = ZipFile.OpenRead(PackagePath(id));
        var file = archive.GetEntry(entry) ?? throw new InvalidOperationException($"{id} has no {entry}; it has {string.Join(", ", archive.Entries.Select(e => e.FullName))}.");
        using var reader = new StreamReader(file.Open());
        return reader.ReadToEnd();
    }

    /// <summary>Gets the names of every file in a packed package.</summary>
    public IReadOnlyList<string> Entries(string id, string extension = "nupkg")
    {
        using var archive = ZipFile.OpenRead(PackagePath(id, extension));
        return [.. archive.Entries.Select(e => e.FullName)];
    }

    /// <summary>Reads a packed package's manifest.</summary>
    public XElement Manifest(string id) => XElement.Parse(ReadEntry(id, $"{id}.nuspec"));

    public async Task InitializeAsync()
    {
        foreach (var id in s_packageIds)
        {
            var pack = await IpyBoxTool.RunProcessAsync(
                IpyBoxTool.DotnetPath,
                ["pack", Repository.Combine("src", id, $"{id}.csproj"), "-o", Folder, $"-p:PackageVersion={Version}"]);
            Assert.True(pack.ExitCode == 0, pack.ToString());
        }
    }

    public Task DisposeAsync()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in s_packageIds)
        {
            var cached = Path.Combine(cache, id.ToLowerInvariant(), Version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }

        _directory.Dispose();
        return Task.CompletedTask;
    }
}
