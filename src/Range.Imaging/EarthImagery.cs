using RangeOrleans.Core.Data;

namespace RangeOrleans.Imaging;

/// <summary>
/// The embedded default imagery: NASA Blue Marble (RGB), Earth at night (city lights, as luminance) and shaded
/// relief on one 2048 x 1024 plate carrée grid, stacked into a 5-channel raster; or, with a year of imagery, the
/// 2004 monthly mosaics of <see cref="SeasonalMonths"/> in place of the one Blue Marble (17 channels). Relief is an input because,
/// measured, it is what lets the model tell a hot lowland from a cold plateau of the same colour (the Sahara
/// from the Gobi and Tibet): docs/evaluation.md.
/// </summary>
public static class EarthImagery
{
    public const string BlueMarbleFile = "earth/blue_marble_2048x1024.jpg";
    public const string NightLightsFile = "earth/earth_at_night_2048x1024.jpg";

    /// <summary>Shaded relief as 8-bit gray (0 at sea level and below, brighter is higher), 2048 x 1024 (three-globe, MIT).</summary>
    public const string TopologyFile = "earth/topology_2048x1024.png";

    /// <summary>Water mask (white water, black land), 1600 x 800 (three-globe, MIT). Never a training input.</summary>
    public const string WaterFile = "earth/water_1600x800.png";

    /// <summary>
    /// The months of 2004 whose Blue Marble Next Generation mosaic ships (<c>earth/blue_marble_2004_MM_2048x1024.jpg</c>, from
    /// Debian's gpredict: samples/data/PROVENANCE.md): snow and vegetation through the year, which one season's colours lack.
    /// </summary>
    public static IReadOnlyList<int> SeasonalMonths { get; } = [1, 3, 5, 7, 8];

    /// <summary>Channel names of <see cref="Load"/>'s raster, in order.</summary>
    public static IReadOnlyList<string> ChannelNames { get; } = ["red", "green", "blue", "night_lights", "relief"];

    /// <summary>Channel names of <see cref="LoadSeasons"/>' raster, in order: RGB per month, then night lights and relief.</summary>
    public static IReadOnlyList<string> SeasonalChannelNames { get; } =
        [.. SeasonalMonths.SelectMany(m => new[] { $"red_{m:00}", $"green_{m:00}", $"blue_{m:00}" }), "night_lights", "relief"];

    /// <summary>The 2004 mosaic of <paramref name="month"/> (one of <see cref="SeasonalMonths"/>).</summary>
    public static string MonthlyFile(int month) => $"earth/blue_marble_2004_{month:00}_2048x1024.jpg";

    /// <summary>RGB + night lights + relief (5 channels, values in [0, 1]) from the shipped images, or from <paramref name="folder"/>.</summary>
    public static EquirectangularRaster Load(string? folder = null) => Stack([BlueMarbleFile], folder);

    /// <summary>
    /// A year of imagery: the RGB of each of <see cref="SeasonalMonths"/>, night lights and relief (17 channels, values in [0, 1];
    /// 2048 x 1024 x 17 float32 = 143 MB in memory, against 42 MB for <see cref="Load"/>'s 5).
    /// </summary>
    public static EquirectangularRaster LoadSeasons(string? folder = null) => Stack([.. SeasonalMonths.Select(MonthlyFile)], folder);

    private static EquirectangularRaster Stack(string[] rgbFiles, string? folder)
    {
        string Locate(string file) => folder is null ? SampleData.Find(file) : Path.Combine(folder, Path.GetFileName(file));
        // Decoded in parallel: seven JPEG/PNG decodes one after another were most of a training run's startup.
        (string File, bool Gray)[] files = [.. rgbFiles.Select(f => (f, false)), (NightLightsFile, true), (TopologyFile, true)];
        var layers = files.AsParallel().AsOrdered().Select(f => EquirectangularRaster.Decode(Locate(f.File), grayscale: f.Gray)).ToArray();
        return EquirectangularRaster.Stack(layers);
    }
}
