namespace RangeOrleans.Evaluation.Tasks;

/// <summary>
/// Finds the repository's samples/data folder (the built-in tasks' files): RANGE_DATA_DIR if set,
/// else the first samples/data above the working directory or the program's own folder.
/// </summary>
public static class SampleDataDirectory
{
    public const string EnvironmentVariable = "RANGE_DATA_DIR";

    public static string Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            if (!Directory.Exists(fromEnv)) throw new DirectoryNotFoundException($"{EnvironmentVariable}='{fromEnv}' is not a folder");
            return fromEnv;
        }
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "samples", "data");
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        throw new DirectoryNotFoundException($"no samples/data folder above '{Directory.GetCurrentDirectory()}' or the program: run from the repository or set {EnvironmentVariable}");
    }
}
