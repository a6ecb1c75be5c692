using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace IpyBox.AI;

/// <summary>
/// Skills on the host: one folder per skill, in the agentskills.io layout (a <c>SKILL.md</c> whose front matter holds the name
/// and description, next to the code), under a folder per scope: <c>shared</c> for the whole application, or one per
/// tenant. Saving a name again keeps the previous version under <c>versions/&lt;n&gt;/</c> until it is deleted. Names,
/// descriptions and code are untrusted: a name must be a plain Python identifier, the description is written as an escaped
/// string in the front matter, and the code is only ever written to files; the host never runs it.
/// </summary>
public sealed partial class SkillStore
{
    /// <summary>The package under <c>/app</c> that holds the skills in a sandbox.</summary>
    public const string PackageName = "skills";

    /// <summary>The largest code of one skill, in characters.</summary>
    public const int MaxCodeLength = 256 * 1024;

    /// <summary>The longest description, in characters.</summary>
    public const int MaxDescriptionLength = 4096;

    private const string SharedScope = "shared";
    private const string Manifest = "SKILL.md";
    private readonly Lock _gate = new();

    /// <summary>Initializes a new instance of the <see cref="SkillStore"/> class.</summary>
    /// <param name="directory">The host directory of the skills; created when missing. Several processes may share it.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty.</exception>
    public SkillStore(string directory)
    {
        Directory = Path.GetFullPath(Throw.IfNullOrWhiteSpace(directory));
    }

    /// <summary>Gets the host directory of the skills.</summary>
    public string Directory { get; }

    /// <summary>Saves a new version of a skill; the previous version, if any, is kept.</summary>
    /// <param name="tenant">The tenant whose sandboxes get the skill, or <see langword="null"/> for every sandbox.</param>
    /// <param name="name">The name: a lower-case Python identifier of at most 64 characters (letters, digits, underscores; starting with a letter).</param>
    /// <param name="description">What the skill does and how to call it.</param>
    /// <param name="code">The Python source; it should compile (the sandbox tools check that before saving).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The saved version.</returns>
    /// <exception cref="ArgumentException">The name is not a valid skill name, or the description or code is empty or too long.</exception>
    public Task<Skill> SaveAsync(string? tenant, string name, string description, string code, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        if (string.IsNullOrWhiteSpace(description) || description.Length > MaxDescriptionLength)
        {
            throw new ArgumentException($"A skill needs a description of 1 to {MaxDescriptionLength} characters.", nameof(description));
        }

        if (string.IsNullOrWhiteSpace(code) || code.Length > MaxCodeLength)
        {
            throw new ArgumentException($"A skill needs code of 1 to {MaxCodeLength} characters.", nameof(code));
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var folder = SkillFolder(tenant, name);
            var previous = Read(folder, name, tenant);
            if (previous is not null)
            {
                var archive = System.IO.Directory.CreateDirectory(Path.Combine(folder, "versions", previous.Version.ToString(CultureInfo.InvariantCulture)));
                File.Move(Path.Combine(folder, Manifest), Path.Combine(archive.FullName, Manifest), overwrite: true);
                File.Move(Path.Combine(folder, CodeFile(name)), Path.Combine(archive.FullName, CodeFile(name)), overwrite: true);
            }

            var skill = new Skill(name, description.Trim(), code, (previous?.Version ?? LatestArchived(folder)) + 1, tenant);
            System.IO.Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, CodeFile(name)), code);
            File.WriteAllText(Path.Combine(folder, Manifest), ManifestText(skill));
            return Task.FromResult(skill);
        }
    }

    /// <summary>Lists the current version of every skill a tenant's sandboxes get: the application's and the tenant's own (which win on a shared name).</summary>
    /// <param name="tenant">The tenant, or <see langword="null"/> for the application's skills only.</param>
    /// <returns>The skills, by name.</returns>
    public IReadOnlyList<Skill> List(string? tenant)
    {
        var skills = new Dictionary<string, Skill>(StringComparer.Ordinal);
        foreach (var scope in tenant is null ? new string?[] { null } : [null, tenant])
        {
            var root = new DirectoryInfo(ScopeFolder(scope));
            if (!root.Exists)
            {
                continue;
            }

            foreach (var folder in root.EnumerateDirectories())
            {
                if (IsValidName(folder.Name) && Read(folder.FullName, folder.Name, scope) is { } skill)
                {
                    skills[skill.Name] = skill;
                }
            }
        }

        return [.. skills.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <summary>Lists the kept versions of a skill of one scope, oldest first, the current one last.</summary>
    /// <param name="tenant">The scope: a tenant, or <see langword="null"/> for the application's.</param>
    /// <param name="name">The skill's name.</param>
    /// <returns>The versions; none when there is no such skill.</returns>
    public IReadOnlyList<Skill> Versions(string? tenant, string name)
    {
        if (!IsValidName(name))
        {
            return [];
        }

        var folder = SkillFolder(tenant, name);
        var versions = new List<Skill>();
        var archive = new DirectoryInfo(Path.Combine(folder, "versions"));
        if (archive.Exists)
        {
            foreach (var version in archive.EnumerateDirectories())
            {
                if (Read(version.FullName, name, tenant) is { } skill)
                {
                    versions.Add(skill);
                }
            }
        }

        if (Read(folder, name, tenant) is { } current)
        {
            versions.Add(current);
        }

        return [.. versions.OrderBy(s => s.Version)];
    }

    /// <summary>Deletes a skill of one scope with all its versions.</summary>
    /// <param name="tenant">The scope: a tenant, or <see langword="null"/> for the application's.</param>
    /// <param name="name">The skill's name.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    public bool Delete(string? tenant, string name)
    {
        if (!IsValidName(name))
        {
            return false;
        }

        var folder = new DirectoryInfo(SkillFolder(tenant, name));
        if (!folder.Exists)
        {
            return false;
        }

        folder.Delete(recursive: true);
        return true;
    }

    /// <summary>Gets a value indicating whether <paramref name="name"/> is a valid skill name.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> for a lower-case Python identifier that is no keyword or builtin.</returns>
    public static bool IsValidName(string? name) =>
        name is not null && SkillName().IsMatch(name) && PythonIdentifier.Sanitize(name, "skill") == name;

    private static void CheckName(string name)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException(
                "A skill name is a lower-case Python identifier of at most 64 characters that starts with a letter and is no keyword or builtin, e.g. 'rain_total'.",
                nameof(name));
        }
    }

    private static string CodeFile(string name) => name + ".py";

    private static string ManifestText(Skill skill)
    {
        // JSON strings are YAML double-quoted scalars: whatever the description holds stays on one escaped line.
        var text = new StringBuilder();
        text.Append("---\n");
        text.Append("name: ").Append(skill.Name).Append('\n');
        text.Append("description: ").Append(JsonSerializer.Serialize(skill.Description)).Append('\n');
        text.Append("metadata:\n");
        text.Append("  version: \"").Append(skill.Version.ToString(CultureInfo.InvariantCulture)).Append("\"\n");
        text.Append("---\n\n");
        text.Append("Python code saved from a sandbox. In a sandbox of this scope: `import ").Append(skill.Module).Append("`.\n");
        text.Append("The code is in ").Append(CodeFile(skill.Name)).Append("; it runs only in sandboxes.\n");
        return text.ToString();
    }

    private static Skill? Read(string folder, string name, string? tenant)
    {
        var manifest = Path.Combine(folder, Manifest);
        var code = Path.Combine(folder, CodeFile(name));
        if (!File.Exists(manifest) || !File.Exists(code))
        {
            return null;
        }

        string? description = null;
        var version = 0;
        foreach (var line in File.ReadLines(manifest).Skip(1).TakeWhile(line => line != "---"))
        {
            if (line.StartsWith("description: ", StringComparison.Ordinal))
            {
                try
                {
                    description = JsonSerializer.Deserialize<string>(line["description: ".Length..]);
                }
                catch (JsonException)
                {
                    return null;
                }
            }
            else if (line.StartsWith("  version: \"", StringComparison.Ordinal))
            {
                int.TryParse(line.AsSpan()["  version: \"".Length..].TrimEnd('"'), NumberStyles.None, CultureInfo.InvariantCulture, out version);
            }
        }

        return description is null || version < 1 ? null : new Skill(name, description, File.ReadAllText(code), version, tenant);
    }

    private static int LatestArchived(string folder)
    {
        var archive = new DirectoryInfo(Path.Combine(folder, "versions"));
        return archive.Exists
            ? archive.EnumerateDirectories().Select(d => int.TryParse(d.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).DefaultIfEmpty(0).Max()
            : 0;
    }

    /// <summary>A tenant's folder is named by a hash of the tenant, so any text is a safe and distinct folder name.</summary>
    private string ScopeFolder(string? tenant) => tenant is null
        ? Path.Combine(Directory, SharedScope)
        : Path.Combine(Directory, "tenant-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tenant)))[..32]);

    private string SkillFolder(string? tenant, string name) => Path.Combine(ScopeFolder(tenant), name);

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex SkillName();
}
