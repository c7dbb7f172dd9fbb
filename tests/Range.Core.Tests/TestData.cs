namespace RangeOrleans.Core.Tests;

internal static class TestData
{
    /// <summary>The repository's sibling shared/ folder: walks up from the test binaries to the folder holding RangeOrleans.sln, then ../shared.</summary>
    public static string SharedDir { get; } = FindSharedDir();

    public static string Fixture(string relative) => Path.Combine(SharedDir, "fixtures", relative);

    private static string FindSharedDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RangeOrleans.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
        }
        throw new DirectoryNotFoundException($"no folder containing RangeOrleans.sln above {AppContext.BaseDirectory}");
    }
}
