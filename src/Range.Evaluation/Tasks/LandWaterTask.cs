using RangeOrleans.Evaluation.Probe;
using RangeOrleans.Imaging;
using RangeOrleans.Training.Samplers;

namespace RangeOrleans.Evaluation.Tasks;

/// <summary>
/// Land or water at points uniform on the sphere (seeded): class 1 where the water mask
/// (samples/data/earth/water_1600x800.png, white = water, about 0.225 degrees a pixel) is brighter than
/// half at the nearest pixel, else 0. The mask is never a pretraining input, so this task asks what the
/// embedding knows about coastlines rather than what it was shown; about 70 % of points are water.
/// </summary>
public sealed class LandWaterTask(string dataDir, int points = LandWaterTask.DefaultPoints) : IEvaluationTask
{
    public const string TaskName = "land-water";
    public const int DefaultPoints = 10_000;

    public string Name => TaskName;
    public ProblemKind Kind => ProblemKind.Classification;
    public int Points { get; } = points >= 1 ? points : throw new ArgumentException($"land-water task: points must be positive, got {points}");

    public TaskData Load(int seed)
    {
        var (lon, lat) = new UniformSphereSampler().Sample(Points, seed);
        var mask = Mask(dataDir);
        var targets = new double[lon.Length];
        for (int i = 0; i < lon.Length; i++) targets[i] = IsWater(mask, lon[i], lat[i]) ? 1 : 0;
        return TaskData.Create(lon, lat, targets);
    }

    public static bool IsWater(EquirectangularRaster mask, double lon, double lat) =>
        mask.Pixel(0, (int)Math.Round(mask.PixelX(lon)), (int)Math.Round(mask.PixelY(lat))) > 0.5f;

    public static EquirectangularRaster Mask(string dataDir) =>
        DataFileCache.Get(dataDir, EarthImagery.WaterFile, "the land-water task", path => EquirectangularRaster.Decode(path, grayscale: true));
}
