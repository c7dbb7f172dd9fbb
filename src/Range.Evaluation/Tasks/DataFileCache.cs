namespace RangeOrleans.Evaluation.Tasks;

/// <summary>
/// Data files the land tasks read once per process (land and country polygons, the night image): a suite
/// runs each task with many encoders, and parsing the polygons or decoding the JPEG each time would dominate.
/// </summary>
internal static class DataFileCache
{
    private static readonly Dictionary<(string Path, Type Type), object> Loaded = [];

    /// <summary>The file <paramref name="relative"/> under <paramref name="dataDir"/>, loaded once; a missing file names the task that needs it.</summary>
    public static T Get<T>(string dataDir, string relative, string neededBy, Func<string, T> load) where T : class
    {
        var path = Path.GetFullPath(Path.Combine(dataDir, relative));
        lock (Loaded)
        {
            if (Loaded.TryGetValue((path, typeof(T)), out var value)) return (T)value;
            if (!File.Exists(path)) throw new FileNotFoundException($"'{path}' not found ({neededBy} needs samples/data/{relative})");
            var loaded = load(path);
            Loaded[(path, typeof(T))] = loaded;
            return loaded;
        }
    }
}
