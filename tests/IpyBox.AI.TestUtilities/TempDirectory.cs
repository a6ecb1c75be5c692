namespace IpyBox.AI.TestUtilities;

/// <summary>A new, empty directory under the system's temporary directory, deleted with its contents on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates the directory; its name starts with <paramref name="prefix"/> so leftovers say which tests made them.</summary>
    public TempDirectory(string prefix = "ipybox-test-")
    {
        Info = Directory.CreateTempSubdirectory(prefix);
    }

    /// <summary>Gets the directory.</summary>
    public DirectoryInfo Info { get; }

    /// <summary>Gets the directory's full path.</summary>
    public string FullName => Info.FullName;

    /// <summary>Returns the path of <paramref name="parts"/> inside the directory (nothing is created).</summary>
    public string Combine(params string[] parts) => Path.Combine([FullName, .. parts]);

    /// <summary>Creates a subdirectory (and its parents) and returns its full path.</summary>
    public string CreateDirectory(params string[] parts) => Directory.CreateDirectory(Combine(parts)).FullName;

    public override string ToString() => FullName;

    public void Dispose()
    {
        try
        {
            Info.Delete(recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
