using RangeOrleans.Core.Geography;
using RangeOrleans.Training.Samplers;

namespace RangeOrleans.Evaluation.Tasks;

/// <summary>
/// Seeded land points for the tasks defined over land (country, night lights): uniform on the sphere
/// (equal area), kept where the Natural Earth 1:50m land mask says land (rejection sampling), so every
/// square kilometre of land is equally likely. The land mask is read once per data folder.
/// </summary>
public static class LandPoints
{
    private static readonly Dictionary<string, LandMask> Masks = [];

    public static (double[] Lon, double[] Lat) Sample(string dataDir, int count, int seed) =>
        new UniformSphereSampler(Mask(dataDir)).Sample(count, seed);

    public static LandMask Mask(string dataDir)
    {
        var path = Path.GetFullPath(Path.Combine(dataDir, LandMask.DefaultFile));
        lock (Masks)
        {
            if (!Masks.TryGetValue(path, out var mask))
            {
                if (!File.Exists(path)) throw new FileNotFoundException($"land polygons '{path}' not found (the country and night-lights tasks need samples/data/{LandMask.DefaultFile})");
                Masks[path] = mask = LandMask.Load(path);
            }
            return mask;
        }
    }
}
