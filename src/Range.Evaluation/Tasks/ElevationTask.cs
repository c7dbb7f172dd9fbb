using RangeOrleans.Evaluation.Probe;
using RangeOrleans.Imaging;

namespace RangeOrleans.Evaluation.Tasks;

/// <summary>
/// Relative elevation at land points (<see cref="LandPoints"/>): the mean of the 3 x 3 pixels nearest the
/// point in the shaded-relief raster (samples/data/earth/topology_2048x1024.png, 8-bit gray scaled to
/// [0, 1]; 0 at sea level, about 0.95 on the Himalaya). Uncalibrated (not metres), and never a pretraining
/// input: the imagery only shows relief through its colours (snow, forest, desert).
/// </summary>
public sealed class ElevationTask(string dataDir, int points = ElevationTask.DefaultPoints) : IEvaluationTask
{
    public const string TaskName = "elevation";
    public const int DefaultPoints = 10_000;
    private const int Window = 3;

    public string Name => TaskName;
    public ProblemKind Kind => ProblemKind.Regression;
    public int Points { get; } = points >= 1 ? points : throw new ArgumentException($"elevation task: points must be positive, got {points}");

    public TaskData Load(int seed)
    {
        var (lon, lat) = LandPoints.Sample(dataDir, Points, seed);
        var relief = Relief(dataDir);
        Span<float> tile = stackalloc float[Window * Window];
        var targets = new double[lon.Length];
        for (int i = 0; i < lon.Length; i++)
        {
            relief.CutTile(lon[i], lat[i], Window, tile);
            double sum = 0;
            foreach (var v in tile) sum += v;
            targets[i] = sum / tile.Length;
        }
        return TaskData.Create(lon, lat, targets);
    }

    public static EquirectangularRaster Relief(string dataDir) =>
        DataFileCache.Get(dataDir, EarthImagery.TopologyFile, "the elevation task", path => EquirectangularRaster.Decode(path, grayscale: true));
}
