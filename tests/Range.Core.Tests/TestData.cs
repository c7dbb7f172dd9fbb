namespace RangeOrleans.Core.Tests;

/// <summary>Locates the shared test data folder (<c>&lt;repo&gt;/../shared</c>) from the test binaries.</summary>
public static class TestData
{
    public static string SharedDir { get; } = FindSharedDir();

    public static string Fixture(string relative) => Path.Combine(SharedDir, "fixtures", relative);

    private static string FindSharedDir()
    {
        // Walk up from the test output folder to the repo root (the folder holding RangeOrleans.sln);
        // the shared folder sits beside it.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "RangeOrleans.sln"))) continue;
            var shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
            if (Directory.Exists(Path.Combine(shared, "fixtures"))) return shared;
        }
        throw new DirectoryNotFoundException($"no shared/fixtures folder beside the repo root above {AppContext.BaseDirectory}");
    }
}
