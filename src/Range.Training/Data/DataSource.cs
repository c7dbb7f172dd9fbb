namespace RangeOrleans.Training.Data;

/// <summary>
/// Opens the dataset a command names: <c>earth</c> (the shipped Blue Marble + night lights imagery at
/// sampled locations; <c>earth-land</c> for land only) or <c>s2:DIR</c> (an S2-100K folder).
/// </summary>
public static class DataSource
{
    public const int DefaultEarthEntries = 20000;

    public const string S2Prefix = "s2:";

    public static IGeoTileDataset Open(string spec, int? entries = null, int seed = 0)
    {
        Validate(spec, entries);
        if (spec is "earth" or "earth-land")
            return EarthImageryDataset.Sample(entries ?? DefaultEarthEntries, seed, landOnly: spec == "earth-land");
        var folder = S2Folder(spec)!;
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"S2 dataset folder '{folder}' does not exist");
        var s2 = new S2Dataset(folder);
        if (s2.Count == 0) throw new ArgumentException($"S2 dataset '{folder}' has no usable tiles ({s2.Skipped} rows skipped: missing or under 10 kB)");
        return entries is int n && n < s2.Count ? new SubsetDataset(s2, n, seed) : s2;
    }

    /// <summary>Checks the spelling of a data spec and entry count without reading anything (ArgumentException naming the problem).</summary>
    public static void Validate(string spec, int? entries)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        if (spec is not ("earth" or "earth-land") && string.IsNullOrWhiteSpace(S2Folder(spec)))
            throw new ArgumentException($"--data must be 'earth', 'earth-land' or 's2:DIR', got '{spec}'");
        if (entries < 1) throw new ArgumentException($"--entries must be at least 1, got {entries}");
    }

    /// <summary>Channels of the tiles a (valid) spec gives, without reading its data.</summary>
    public static int Channels(string spec) => S2Folder(spec) is null ? Imaging.EarthImagery.ChannelNames.Count : S2Dataset.BandCount;

    /// <summary>DIR of an <c>s2:DIR</c> spec; null for any other spec.</summary>
    public static string? S2Folder(string spec) => spec.StartsWith(S2Prefix, StringComparison.Ordinal) ? spec[S2Prefix.Length..] : null;
}
