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

    /// <summary>The range.dll built for this test configuration (src/Range.Cli/bin/CONFIG/net10.0), for tests that run `range` as a process.</summary>
    public static string RangeDll => FindRangeDll();

    private static string FindRangeDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory); // tests/Range.*.Tests/bin/CONFIG/net10.0/
        string framework = testBin.Name, configuration = testBin.Parent!.Name;
        var path = Path.Combine(RepoDir, "src", "Range.Cli", "bin", configuration, framework, "range.dll");
        if (!File.Exists(path)) throw new FileNotFoundException($"build src/Range.Cli first: {path} is missing", path);
        return path;
    }

    private static string FindRepoDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RangeOrleans.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"no folder containing RangeOrleans.sln above {AppContext.BaseDirectory}");
    }
}
