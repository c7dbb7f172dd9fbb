namespace RangeOrleans.Training.Data;

/// <summary>
/// Opens the dataset a command names: <c>earth</c> (the shipped Blue Marble + night lights + relief imagery at
/// sampled locations; <c>earth-land</c> for land only), <c>earth-seasons</c> / <c>earth-seasons-land</c> (the same
/// locations, a year of imagery: the RGB of five months of 2004, night lights and relief) or <c>s2:DIR</c> (an S2-100K folder).
/// </summary>
public static class DataSource
{
    public const int DefaultEarthEntries = 20000;

    public const string S2Prefix = "s2:";

    public static IGeoTileDataset Open(string spec, int? entries = null, int seed = 0)
    {
        Validate(spec, entries);
        if (IsEarth(spec))
            return EarthImageryDataset.Sample(entries ?? DefaultEarthEntries, seed, landOnly: spec.EndsWith("-land", StringComparison.Ordinal), seasons: IsSeasonal(spec));
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
        if (!IsEarth(spec) && string.IsNullOrWhiteSpace(S2Folder(spec)))
            throw new ArgumentException($"--data must be 'earth', 'earth-land', 'earth-seasons', 'earth-seasons-land' or 's2:DIR', got '{spec}'");
        if (entries < 1) throw new ArgumentException($"--entries must be at least 1, got {entries}");
    }

    /// <summary>Channels of the tiles a (valid) spec gives, without reading its data.</summary>
    public static int Channels(string spec) =>
        S2Folder(spec) is not null ? S2Dataset.BandCount : IsSeasonal(spec) ? Imaging.EarthImagery.SeasonalChannelNames.Count : Imaging.EarthImagery.ChannelNames.Count;

    /// <summary>The shipped Earth imagery, one season or a year of it, all locations or land only.</summary>
    public static bool IsEarth(string spec) => spec is "earth" or "earth-land" or "earth-seasons" or "earth-seasons-land";

    /// <summary>A year of imagery (<see cref="Imaging.EarthImagery.LoadSeasons"/>).</summary>
    public static bool IsSeasonal(string spec) => spec is "earth-seasons" or "earth-seasons-land";

    /// <summary>DIR of an <c>s2:DIR</c> spec; null for any other spec.</summary>
    public static string? S2Folder(string spec) => spec.StartsWith(S2Prefix, StringComparison.Ordinal) ? spec[S2Prefix.Length..] : null;
}
