using System.Formats.Tar;
using System.Text;

namespace IpyBox.AI.TestUtilities;

/// <summary>Builds an in-memory tar archive, e.g. a Docker build context.</summary>
public static class TarContext
{
    /// <summary>Creates a tar archive of text files, positioned at its start.</summary>
    public static MemoryStream Create(params (string Name, string Content)[] files)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                };
                writer.WriteEntry(entry);
            }
        }

        stream.Position = 0;
        return stream;
    }
}
