namespace RangeOrleans.Core.Tests;

internal static class TestData
{
    /// <summary>The folder holding RangeOrleans.sln, found by walking up from the test binaries.</summary>
    public static string RepoDir { get; } = FindRepoDir();

    /// <summary>The repository's sibling shared/ folder (golden fixtures and public data).</summary>
    public static string SharedDir { get; } = Path.GetFullPath(Path.Combine(RepoDir, "..", "shared"));

    public static string Fixture(string relative) => Path.Combine(SharedDir, "fixtures", relative);

    /// <summary>A file of the repository's samples/models (the embedded default checkpoint and bank).</summary>
    public static string Sample(string name) => Path.Combine(RepoDir, "samples", "models", name);

    /// <summary>A small file committed under tests/fixtures (with a README saying how it was made).</summary>
    public static string RepoFixture(string relative) => Path.Combine(RepoDir, "tests", "fixtures", relative);

    private static string FindRepoDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RangeOrleans.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"no folder containing RangeOrleans.sln above {AppContext.BaseDirectory}");
    }
}
