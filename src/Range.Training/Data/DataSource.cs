namespace RangeOrleans.Training.Data;

/// <summary>
/// Opens the dataset a command names: <c>earth</c> (the shipped Blue Marble + night lights imagery at
/// sampled locations; <c>earth-land</c> for land only) or <c>s2:DIR</c> (an S2-100K folder).
/// </summary>
public static class DataSource
{
    public const int DefaultEarthEntries = 20000;

    public static IGeoTileDataset Open(string spec, int? entries = null, int seed = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        if (spec is "earth" or "earth-land")
        {
            int count = entries ?? DefaultEarthEntries;
            if (count < 1) throw new ArgumentException($"--entries must be at least 1, got {count}");
            return EarthImageryDataset.Sample(count, seed, landOnly: spec == "earth-land");
        }
        if (spec.StartsWith("s2:", StringComparison.Ordinal))
        {
            var folder = spec[3..];
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"S2 dataset folder '{folder}' does not exist");
            var s2 = new S2Dataset(folder);
            if (s2.Count == 0) throw new ArgumentException($"S2 dataset '{folder}' has no usable tiles ({s2.Skipped} rows skipped: missing or under 10 kB)");
            return entries is int n && n < s2.Count ? new SubsetDataset(s2, n, seed) : s2;
        }
        throw new ArgumentException($"--data must be 'earth', 'earth-land' or 's2:DIR', got '{spec}'");
    }
}
