namespace RangeOrleans.Core.Tests;

internal static class TestData
{
    /// <summary>The folder holding RangeOrleans.sln, found by walking up from the test binaries.</summary>
    public static string RepoDir { get; } = FindRepoDir();

    /// <summary>A golden file of tests/fixtures (made by the public SatCLIP and RANGE code; see tests/fixtures/README.md).</summary>
    public static string Fixture(string relative) => Path.Combine(RepoDir, "tests", "fixtures", relative);

    /// <summary>The repository's samples/data: public data with provenance (samples/data/PROVENANCE.md).</summary>
    public static string DataDir => Path.Combine(RepoDir, "samples", "data");

    /// <summary>A file or folder of samples/data.</summary>
    public static string Data(string relative) => Path.Combine(DataDir, relative);

    /// <summary>A file of the repository's samples/models (the embedded default checkpoint and bank).</summary>
    public static string Sample(string name) => Path.Combine(RepoDir, "samples", "models", name);

    private static string FindRepoDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RangeOrleans.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"no folder containing RangeOrleans.sln above {AppContext.BaseDirectory}");
    }
}
