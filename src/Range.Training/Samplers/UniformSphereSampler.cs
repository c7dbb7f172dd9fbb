using RangeOrleans.Core.Geography;

namespace RangeOrleans.Training.Samplers;

/// <summary>
/// Points uniform on the sphere (equal area: lat = asin(2u - 1)), land and sea alike, or land only
/// when given a <see cref="LandMask"/> (rejection sampling). Latitudes are kept within
/// <see cref="MaxAbsLatitude"/> so polar tiles do not dominate with stretched pixels.
/// </summary>
public sealed class UniformSphereSampler(LandMask? landOnly = null, double maxAbsLatitude = 90) : ILocationSampler
{
    public double MaxAbsLatitude { get; } = maxAbsLatitude;

    public (double[] Lon, double[] Lat) Sample(int count, int seed)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
        var random = new Random(seed);
        var lon = new double[count];
        var lat = new double[count];
        double zMax = Math.Sin(MaxAbsLatitude * Math.PI / 180);
        for (int i = 0; i < count;)
        {
            double x = random.NextDouble() * 360 - 180;
            double y = Math.Asin((2 * random.NextDouble() - 1) * zMax) * 180 / Math.PI;
            if (landOnly is not null && !landOnly.IsLand(x, y)) continue;
            lon[i] = x;
            lat[i] = y;
            i++;
        }
        return (lon, lat);
    }
}
