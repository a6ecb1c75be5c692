using System.Text;

namespace IpyBox.AI;

/// <summary>
/// Turns a pip requirements file into build-context files: local paths it names are copied in and
/// rewritten to where they land in the image, and the Dockerfile gets an install step.
/// </summary>
internal static class RequirementsContext
{
    /// <summary>Where the requirements are copied during the build (removed after the install).</summary>
    public const string ImageDirectory = "/tmp/ipybox-requirements";

    private const string ContextDirectory = "requirements";

    private static readonly string[] s_archiveSuffixes = [".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2"];

    /// <summary>Creates the extra context files, including a Dockerfile that installs the requirements last.</summary>
    public static Dictionary<string, byte[]> Create(string requirementsFile, byte[] dockerfile)
    {
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(requirementsFile))!;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var rewritten = new StringBuilder();
        var copies = 0;

        foreach (var line in File.ReadAllLines(requirementsFile))
        {
            rewritten.Append(RewriteLine(line, baseDirectory, files, ref copies)).Append('\n');
        }

        files[$"{ContextDirectory}/requirements.txt"] = Encoding.UTF8.GetBytes(rewritten.ToString());
        files["Dockerfile"] = AppendInstallStep(dockerfile);
        return files;
    }

    private static string RewriteLine(string line, string baseDirectory, Dictionary<string, byte[]> files, ref int copies)
    {
        var comment = line.IndexOf(" #", StringComparison.Ordinal);
        var content = line.TrimStart().StartsWith('#') ? string.Empty : comment >= 0 ? line[..comment] : line;
        var tokens = content.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            var equals = token.StartsWith("--", StringComparison.Ordinal) ? token.IndexOf('=', StringComparison.Ordinal) : -1;
            var prefix = equals >= 0 ? token[..(equals + 1)] : string.Empty;
            var value = equals >= 0 ? token[(equals + 1)..] : token;
            if (ResolveLocalPath(value, baseDirectory) is { } local)
            {
                tokens[i] = prefix + Copy(local, files, copies++);
            }
        }

        return string.Join(' ', tokens);
    }

    private static string? ResolveLocalPath(string value, string baseDirectory)
    {
        var candidate = value.StartsWith("file://", StringComparison.Ordinal) ? new Uri(value).LocalPath : value;
        var looksLikePath = candidate.StartsWith('.') || candidate.StartsWith('/') || candidate.Contains('/', StringComparison.Ordinal)
            || s_archiveSuffixes.Any(s => candidate.EndsWith(s, StringComparison.OrdinalIgnoreCase));
        if (!looksLikePath || candidate.Contains("://", StringComparison.Ordinal))
        {
            return null;
        }

        var full = Path.GetFullPath(candidate, baseDirectory);
        return Path.Exists(full) ? full : null;
    }

    private static string Copy(string localPath, Dictionary<string, byte[]> files, int index)
    {
        var name = Path.GetFileName(localPath.TrimEnd(Path.DirectorySeparatorChar));
        var relative = $"files/{index}/{name}";
        if (File.Exists(localPath))
        {
            files[$"{ContextDirectory}/{relative}"] = File.ReadAllBytes(localPath);
        }
        else
        {
            foreach (var file in Directory.EnumerateFiles(localPath, "*", SearchOption.AllDirectories))
            {
                var inner = Path.GetRelativePath(localPath, file).Replace(Path.DirectorySeparatorChar, '/');
                files[$"{ContextDirectory}/{relative}/{inner}"] = File.ReadAllBytes(file);
            }
        }

        return $"{ImageDirectory}/{relative}";
    }

    private static byte[] AppendInstallStep(byte[] dockerfile)
    {
        var text = Encoding.UTF8.GetString(dockerfile).TrimEnd('\n');
        var step = $"""

            # Extra Python requirements (RuntimeImageBuildOptions.RequirementsFile), installed by the kernel user into the environment itself.
            COPY --chown=${"{UID}"}:${"{GID}"} {ContextDirectory} {ImageDirectory}
            RUN PIP_USER=0 pip install --no-cache-dir -r {ImageDirectory}/requirements.txt && rm -rf {ImageDirectory}

            """;
        return Encoding.UTF8.GetBytes(text + "\n" + step);
    }
}
