using System.Diagnostics;
using System.Reflection.Metadata;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace IpyBox.AI.Cli.Tests.Packages;

/// <summary>
/// The packed libraries as a .NET developer meets them: a package page with its own README, icon, links and symbols,
/// only the dependencies docs/nuget-packages.md lists, and the README's example running from the packed package in a
/// fresh console app against the real engine.
/// </summary>
public sealed partial class LibraryPackageTests(PackedLibrary packages, ITestOutputHelper output) : IClassFixture<PackedLibrary>, IAsyncLifetime
{
    private static readonly Guid s_sourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    public Task InitializeAsync() => DockerEngine.EnsureAvailableAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("IpyBox.AI")]
    [InlineData("IpyBox.AI.AgentFramework")]
    [InlineData("IpyBox.AI.Aspire.Hosting")]
    public void A_package_has_its_own_readme_with_absolute_links_an_icon_the_repository_and_symbols(string id)
    {
        var repositoryUrl = RepositoryUrl();
        Assert.Contains("README.md", packages.Entries(id));
        Assert.Contains("icon.png", packages.Entries(id));
        Assert.Contains($"lib/net10.0/{id}.xml", packages.Entries(id));
        Assert.Contains($"lib/net10.0/{id}.pdb", packages.Entries(id, "snupkg"));

        var metadata = Child(packages.Manifest(id), "metadata");
        Assert.Equal("README.md", Child(metadata, "readme").Value);
        Assert.Equal("icon.png", Child(metadata, "icon").Value);
        Assert.Equal(repositoryUrl, Child(metadata, "projectUrl").Value);
        var repository = Child(metadata, "repository");
        Assert.Equal(repositoryUrl, (string?)repository.Attribute("url"));
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? string.Empty);

        var readme = packages.ReadEntry(id, "README.md");
        Assert.Contains($"dotnet add package {id}", readme, StringComparison.Ordinal);
        Assert.DoesNotContain("eng/prepare-docker.sh", readme, StringComparison.Ordinal);
        var relative = RelativeLink().Matches(readme).Select(m => m.Value).ToList();
        Assert.True(relative.Count == 0, $"Links that break on a package page: {string.Join(", ", relative)}");
        Assert.Contains($"]({repositoryUrl}/blob/main/docs/", readme, StringComparison.Ordinal);

        // SourceLink: the symbols map every source file to the repository at the packed commit.
        var sourceLink = SourceLinkOf(packages.PackagePath(id, "snupkg"), $"lib/net10.0/{id}.pdb");
        var rawUrl = repositoryUrl.Replace("https://github.com/", "https://raw.githubusercontent.com/", StringComparison.Ordinal);
        Assert.Contains($"{rawUrl}/{(string?)repository.Attribute("commit")}/", sourceLink, StringComparison.Ordinal);
    }

    [Fact]
    public void The_core_package_depends_only_on_what_docs_nuget_packages_lists()
    {
        var dependencies = Child(Child(packages.Manifest("IpyBox.AI"), "metadata"), "dependencies")
            .Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).Order(StringComparer.Ordinal);

        // A change here is a decision for every user of the package: write it in docs/nuget-packages.md first.
        Assert.Equal(
            [
                "Docker.DotNet.Enhanced",
                "Microsoft.Extensions.AI",
                "Microsoft.Extensions.DependencyInjection.Abstractions",
                "Microsoft.Extensions.Diagnostics.HealthChecks",
                "Microsoft.Extensions.Hosting.Abstractions",
                "Microsoft.Extensions.Logging.Abstractions",
                "Microsoft.Extensions.Options",
                "Microsoft.SemanticKernel.Core",
                "ModelContextProtocol.Core",
            ],
            dependencies);
        var page = File.ReadAllText(Repository.Combine("docs", "nuget-packages.md"));
        Assert.All(dependencies, id => Assert.Contains($"`{id}`", page, StringComparison.Ordinal));
    }

    [Fact]
    public void The_readme_starts_with_how_to_install()
    {
        var readme = File.ReadAllText(Repository.Combine("README.md"));
        var firstSection = readme.Split('\n').First(line => line.StartsWith("## ", StringComparison.Ordinal));
        Assert.Equal("## Install", firstSection.TrimEnd());
        var install = readme[readme.IndexOf("## Install", StringComparison.Ordinal)..];
        install = install[..install.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        Assert.Contains("dotnet add package IpyBox.AI", install, StringComparison.Ordinal);
        Assert.Contains("dotnet tool install --global IpyBox.AI.Cli", install, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_readme_example_runs_from_the_packed_package_in_a_fresh_console_app()
    {
        var app = packages.Scratch.CreateDirectory("app");
        var clock = Stopwatch.StartNew();
        await Dotnet(app, "new", "console", "--name", "ReadmeExample", "--output", ".");

        // The local folder next to the feeds the machine already uses.
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="ipybox-packed" value="{packages.Folder}" />
              </packageSources>
            </configuration>
            """);
        await Dotnet(app, "add", "package", "IpyBox.AI", "--version", packages.Version);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), ReadmeExample());

        var run = await IpyBoxTool.RunProcessAsync(IpyBoxTool.DotnetPath, ["run"], workingDirectory: app);
        output.WriteLine($"dotnet new console to the README example's last line: {clock.Elapsed.TotalSeconds:F0} s");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["42", "0", "1", "2"], run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>The first C# block of the README's "Run Python in a sandbox" section, as it is printed.</summary>
    private static string ReadmeExample()
    {
        var readme = File.ReadAllText(Repository.Combine("README.md"));
        var section = readme.IndexOf("## Run Python in a sandbox", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no section \"Run Python in a sandbox\".");
        var block = CSharpBlock().Match(readme, section);
        Assert.True(block.Success, "The README's \"Run Python in a sandbox\" section has no C# block.");
        return block.Groups["code"].Value;
    }

    private static string RepositoryUrl() =>
        XElement.Load(Repository.Combine("src", "Directory.Build.props")).Descendants("IpyBoxRepositoryUrl").Single().Value;

    private static XElement Child(XElement parent, string name) =>
        parent.Elements().SingleOrDefault(e => e.Name.LocalName == name) ?? throw new InvalidOperationException($"<{parent.Name.LocalName}> has no <{name}>.");

    private static string SourceLinkOf(string symbolPackage, string entry)
    {
        using var archive = System.IO.Compression.ZipFile.OpenRead(symbolPackage);
        using var pdb = new MemoryStream();
        using (var stream = archive.GetEntry(entry)!.Open())
        {
            stream.CopyTo(pdb);
        }

        pdb.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();
        var sourceLink = reader.CustomDebugInformation
            .Select(reader.GetCustomDebugInformation)
            .Single(information => reader.GetGuid(information.Kind) == s_sourceLinkKind);
        return Encoding.UTF8.GetString(reader.GetBlobBytes(sourceLink.Value));
    }

    private static async Task Dotnet(string directory, params string[] arguments)
    {
        var result = await IpyBoxTool.RunProcessAsync(IpyBoxTool.DotnetPath, arguments, workingDirectory: directory);
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', arguments)}: {result}");
    }

    // A markdown link target that is neither absolute nor an anchor on the same page.
    [GeneratedRegex(@"\]\((?!https?://|#)[^)]*\)")]
    private static partial Regex RelativeLink();

    [GeneratedRegex(@"```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
