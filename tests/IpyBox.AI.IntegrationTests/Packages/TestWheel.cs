using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace IpyBox.AI.IntegrationTests;

/// <summary>Builds a pure-Python wheel on the host: no package index is reachable, so tests make their own.</summary>
internal static class TestWheel
{
    /// <summary>Writes <c>{name}-{version}-py3-none-any.whl</c> with module <paramref name="name"/> into <paramref name="directory"/>.</summary>
    public static string Create(string directory, string name, string version, string moduleSource)
    {
        var distInfo = $"{name}-{version}.dist-info";
        var files = new List<(string Path, byte[] Content)>
        {
            ($"{name}/__init__.py", Encoding.UTF8.GetBytes(moduleSource)),
            ($"{distInfo}/METADATA", Encoding.UTF8.GetBytes($"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: test package\n")),
            ($"{distInfo}/WHEEL", Encoding.UTF8.GetBytes("Wheel-Version: 1.0\nGenerator: ipybox-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n")),
        };

        var record = new StringBuilder();
        foreach (var (path, content) in files)
        {
            var hash = Convert.ToBase64String(SHA256.HashData(content)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            record.Append(System.Globalization.CultureInfo.InvariantCulture, $"{path},sha256={hash},{content.Length}\n");
        }

        record.Append(System.Globalization.CultureInfo.InvariantCulture, $"{distInfo}/RECORD,,\n");
        files.Add(($"{distInfo}/RECORD", Encoding.UTF8.GetBytes(record.ToString())));

        var wheel = Path.Combine(directory, $"{name}-{version}-py3-none-any.whl");
        using var zip = ZipFile.Open(wheel, ZipArchiveMode.Create);
        foreach (var (path, content) in files)
        {
            using var stream = zip.CreateEntry(path).Open();
            stream.Write(content);
        }

        return wheel;
    }
}
