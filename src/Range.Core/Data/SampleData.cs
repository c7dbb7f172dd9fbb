namespace RangeOrleans.Core.Data;

/// <summary>
/// Finds the data files that ship with the project (samples/data: Natural Earth polygons, the Earth
/// imagery). Looked up in order: $RANGE_DATA_DIR, the folder next to the binaries ("data/", where the
/// build copies them), then samples/data in any folder above the binaries (a source checkout).
/// </summary>
public static class SampleData
{
    public const string EnvironmentVariable = "RANGE_DATA_DIR";

    /// <summary>The full path of <paramref name="relative"/> (e.g. "natural_earth/land-50m.json"); FileNotFoundException naming every place looked.</summary>
    public static string Find(string relative)
    {
        var tried = new List<string>();
        foreach (var root in Roots())
        {
            var candidate = Path.GetFullPath(Path.Combine(root, relative));
            if (File.Exists(candidate)) return candidate;
            tried.Add(candidate);
        }
        throw new FileNotFoundException($"sample data '{relative}' not found; looked in: {string.Join(", ", tried)} (set {EnvironmentVariable} to the folder holding it)");
    }

    private static IEnumerable<string> Roots()
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(env)) yield return env;
        yield return Path.Combine(AppContext.BaseDirectory, "data");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var samples = Path.Combine(dir.FullName, "samples", "data");
            if (Directory.Exists(samples)) yield return samples;
        }
    }
}
