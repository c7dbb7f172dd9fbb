using RangeOrleans.Core.Data;

namespace RangeOrleans.Imaging;

/// <summary>
/// The embedded default imagery: NASA Blue Marble (RGB), Earth at night (city lights, as luminance) and shaded
/// relief on one 2048 x 1024 plate carrée grid, stacked into a 5-channel raster. Relief is an input because,
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

    /// <summary>Channel names of <see cref="Load"/>'s raster, in order.</summary>
    public static IReadOnlyList<string> ChannelNames { get; } = ["red", "green", "blue", "night_lights", "relief"];

    /// <summary>RGB + night lights + relief (5 channels, values in [0, 1]) from the shipped images, or from <paramref name="folder"/>.</summary>
    public static EquirectangularRaster Load(string? folder = null)
    {
        string Locate(string file) => folder is null ? SampleData.Find(file) : Path.Combine(folder, Path.GetFileName(file));
        var rgb = EquirectangularRaster.Decode(Locate(BlueMarbleFile));
        var night = EquirectangularRaster.Decode(Locate(NightLightsFile), grayscale: true);
        var relief = EquirectangularRaster.Decode(Locate(TopologyFile), grayscale: true);
        return EquirectangularRaster.Stack(rgb, night, relief);
    }
}
