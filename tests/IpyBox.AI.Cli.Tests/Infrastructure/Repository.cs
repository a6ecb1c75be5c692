namespace IpyBox.AI.Cli.Tests;

/// <summary>Finds files of the repository the tests were built from.</summary>
public static class Repository
{
    /// <summary>Gets the repository's root, the folder that holds <c>IpyBox.AI.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Gets the full path of a file or folder given relative to the root.</summary>
    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IpyBox.AI.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No IpyBox.AI.sln above {AppContext.BaseDirectory}.");
    }
}
