using RangeOrleans.Core.Geometry;
using RangeOrleans.Evaluation.Probe;

namespace RangeOrleans.Evaluation.Tasks;

/// <summary>
/// The paper's synthetic checkerboard: k centres on a Fibonacci lattice, centre i has class i mod 16;
/// 10,000 training and 10,000 test points uniform on the sphere, each labelled with the class of its
/// nearest centre (largest dot product of unit vectors). Small k gives large cells, large k cells of a
/// few degrees, which only a high-frequency encoder resolves.
/// Lattice: lat_i = asin(1 - (2i + 1) / k), lon_i = (360 i / phi mod 360) - 180 with phi the golden ratio.
/// Uniform points: lon = U(-180, 180), lat = asin(U(-1, 1)), drawn from <c>new Random(seed)</c>, train first.
/// </summary>
public sealed class CheckerboardTask(int k, int trainPoints = 10_000, int testPoints = 10_000) : IEvaluationTask
{
    public const string TaskName = "checkerboard";
    public const int Classes = 16;
    public const int DefaultK = 1000;

    public string Name => TaskName;
    public ProblemKind Kind => ProblemKind.Classification;
    public int K { get; } = k >= Classes && k <= 100_000
        ? k
        : throw new ArgumentException($"checkerboard --k must be in {Classes}..100000, got {k}");

    public TaskData Load(int seed)
    {
        var (cx, cy, cz) = Lattice(K);
        int n = trainPoints + testPoints;
        var lon = new double[n];
        var lat = new double[n];
        var label = new double[n];
        var random = new Random(seed);
        for (int i = 0; i < n; i++)
        {
            lon[i] = random.NextDouble() * 360.0 - 180.0;
            lat[i] = Math.Asin(random.NextDouble() * 2.0 - 1.0) * (180.0 / Math.PI);
            UnitVectors.FromLonLat(lon[i], lat[i], out var x, out var y, out var z);
            int best = 0;
            double bestDot = double.NegativeInfinity;
            for (int c = 0; c < cx.Length; c++)
            {
                double dot = x * cx[c] + y * cy[c] + z * cz[c];
                if (dot > bestDot) { bestDot = dot; best = c; }
            }
            label[i] = best % Classes;
        }
        var split = new TaskSplit(Enumerable.Range(0, trainPoints).ToArray(), Enumerable.Range(trainPoints, testPoints).ToArray());
        return TaskData.Create(lon, lat, label, split);
    }

    /// <summary>The k lattice centres as unit vectors.</summary>
    public static (double[] X, double[] Y, double[] Z) Lattice(int k)
    {
        double golden = (1 + Math.Sqrt(5)) / 2;
        var x = new double[k];
        var y = new double[k];
        var z = new double[k];
        for (int i = 0; i < k; i++)
        {
            double latDeg = Math.Asin(1.0 - (2.0 * i + 1.0) / k) * (180.0 / Math.PI);
            double lonDeg = (360.0 * i / golden) % 360.0 - 180.0;
            UnitVectors.FromLonLat(lonDeg, latDeg, out x[i], out y[i], out z[i]);
        }
        return (x, y, z);
    }
}
