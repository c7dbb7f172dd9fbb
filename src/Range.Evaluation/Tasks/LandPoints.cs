using RangeOrleans.Core.Geography;
using RangeOrleans.Training.Samplers;

namespace RangeOrleans.Evaluation.Tasks;

/// <summary>
/// Seeded land points for the tasks defined over land (country, night lights): uniform on the sphere
/// (equal area), kept where the Natural Earth 1:50m land mask says land (rejection sampling), so every
/// square kilometre of land is equally likely. The land mask is read once per data folder (<see cref="DataFileCache"/>).
/// </summary>
public static class LandPoints
{
    public static (double[] Lon, double[] Lat) Sample(string dataDir, int count, int seed) =>
        new UniformSphereSampler(Mask(dataDir)).Sample(count, seed);

    public static LandMask Mask(string dataDir) =>
        DataFileCache.Get(dataDir, LandMask.DefaultFile, "the country and night-lights tasks", path => LandMask.Load(path));
}
