using RangeOrleans.Evaluation.Probe;
using RangeOrleans.Imaging;

namespace RangeOrleans.Evaluation.Tasks;

/// <summary>
/// Night-lights brightness at land points, a proxy for population density and economic activity:
/// <see cref="Points"/> seeded land points (<see cref="LandPoints"/>), each with the brightness of NASA's
/// Earth at night image (samples/data/earth/earth_at_night_2048x1024.jpg, luminance 0.299 R + 0.587 G +
/// 0.114 B in [0, 1], one pixel about 0.18 degrees). Target = ln(1 + 255 m), m the mean luminance of the
/// 3 x 3 pixels around the point (about 0.5 degrees, smoothing JPEG noise): log1p of the 8-bit brightness,
/// as night-light studies log radiance, because brightness is heavy-tailed (most land is dark, cities
/// saturate). Range 0 (dark) to about 5.5 (saturated).
/// </summary>
public sealed class NightLightsTask(string dataDir, int points = NightLightsTask.DefaultPoints) : IEvaluationTask
{
    public const string TaskName = "night-lights";
    public const int DefaultPoints = 10_000;
    public const int Window = 3;

    public string Name => TaskName;
    public ProblemKind Kind => ProblemKind.Regression;
    public int Points { get; } = points >= 1 ? points : throw new ArgumentException($"night-lights task: points must be positive, got {points}");

    public TaskData Load(int seed)
    {
        var (lon, lat) = LandPoints.Sample(dataDir, Points, seed);
        var image = Image(dataDir);
        var targets = new double[lon.Length];
        for (int i = 0; i < lon.Length; i++) targets[i] = Brightness(image, lon[i], lat[i]);
        return TaskData.Create(lon, lat, targets);
    }

    /// <summary>ln(1 + 255 m), m the mean luminance of the 3 x 3 pixels of a 1-channel raster nearest (lon, lat).</summary>
    public static double Brightness(EquirectangularRaster luminance, double lon, double lat)
    {
        Span<float> tile = stackalloc float[Window * Window];
        luminance.CutTile(lon, lat, Window, tile);
        double mean = 0;
        foreach (var v in tile) mean += v;
        mean /= tile.Length;
        return Math.Log(1 + 255 * mean);
    }

    private static EquirectangularRaster Image(string dataDir) =>
        DataFileCache.Get(dataDir, EarthImagery.NightLightsFile, "the night-lights task", path => EquirectangularRaster.Decode(path, grayscale: true));
}
