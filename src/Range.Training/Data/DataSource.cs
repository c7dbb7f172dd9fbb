namespace RangeOrleans.Training.Data;

/// <summary>
/// Opens the dataset a command names: <c>earth</c> (the shipped imagery at sampled locations, a year of it: the RGB of five
/// months of 2004, night lights and relief; <c>earth-land</c> for land only), <c>earth-one-season</c> /
/// <c>earth-one-season-land</c> (the same locations, one Blue Marble instead of the months: what trained before the seasons
/// measured better) or <c>s2:DIR</c> (an S2-100K folder).
/// </summary>
public static class DataSource
{
    public const int DefaultEarthEntries = 20000;

    public const string S2Prefix = "s2:";

    public static IGeoTileDataset Open(string spec, int? entries = null, int seed = 0)
    {
        Validate(spec, entries);
        if (IsEarth(spec))
            return EarthImageryDataset.Sample(entries ?? DefaultEarthEntries, seed, landOnly: spec.EndsWith("-land", StringComparison.Ordinal), seasons: !IsOneSeason(spec));
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
            throw new ArgumentException($"--data must be 'earth', 'earth-land', 'earth-one-season', 'earth-one-season-land' or 's2:DIR', got '{spec}'");
        if (entries < 1) throw new ArgumentException($"--entries must be at least 1, got {entries}");
    }

    /// <summary>Channels of the tiles a (valid) spec gives, without reading its data.</summary>
    public static int Channels(string spec) =>
        S2Folder(spec) is not null ? S2Dataset.BandCount : IsOneSeason(spec) ? Imaging.EarthImagery.ChannelNames.Count : Imaging.EarthImagery.SeasonalChannelNames.Count;

    /// <summary>The shipped Earth imagery, a year of it or one season, all locations or land only.</summary>
    public static bool IsEarth(string spec) => spec is "earth" or "earth-land" or "earth-one-season" or "earth-one-season-land";

    /// <summary>One Blue Marble (<see cref="Imaging.EarthImagery.Load"/>) instead of a year of imagery (<see cref="Imaging.EarthImagery.LoadSeasons"/>).</summary>
    public static bool IsOneSeason(string spec) => spec is "earth-one-season" or "earth-one-season-land";

    /// <summary>DIR of an <c>s2:DIR</c> spec; null for any other spec.</summary>
    public static string? S2Folder(string spec) => spec.StartsWith(S2Prefix, StringComparison.Ordinal) ? spec[S2Prefix.Length..] : null;
}
