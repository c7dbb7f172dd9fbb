namespace RangeOrleans.Core.Geometry;

/// <summary>Points on the unit sphere from (lon, lat) in degrees: x = cos(lat)cos(lon), y = cos(lat)sin(lon), z = sin(lat).</summary>
public static class UnitVectors
{
    public static void FromLonLat(double lonDeg, double latDeg, out double x, out double y, out double z)
    {
        double lon = lonDeg * (Math.PI / 180.0), lat = latDeg * (Math.PI / 180.0);
        double c = Math.Cos(lat);
        x = c * Math.Cos(lon);
        y = c * Math.Sin(lon);
        z = Math.Sin(lat);
    }

    /// <summary>Fills <paramref name="xyz"/> (n x 3, row-major) for n points.</summary>
    public static void FromLonLat(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, Span<float> xyz)
    {
        if (lat.Length != lon.Length || xyz.Length != 3 * lon.Length)
            throw new ArgumentException("lon, lat and xyz lengths disagree");
        for (int i = 0; i < lon.Length; i++)
        {
            FromLonLat(lon[i], lat[i], out var x, out var y, out var z);
            xyz[3 * i] = (float)x;
            xyz[3 * i + 1] = (float)y;
            xyz[3 * i + 2] = (float)z;
        }
    }
}
