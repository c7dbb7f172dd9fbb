namespace RangeOrleans.Core.Geometry;

/// <summary>Distances on a sphere of the Earth's mean radius.</summary>
public static class GreatCircle
{
    /// <summary>IUGG mean Earth radius, km.</summary>
    public const double EarthRadiusKm = 6371.0088;

    /// <summary>The haversine distance in km between two (lon, lat) points in degrees.</summary>
    public static double DistanceKm(double lon1, double lat1, double lon2, double lat2)
    {
        const double rad = Math.PI / 180;
        double dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
        double s = Math.Sin(dLat / 2), t = Math.Sin(dLon / 2);
        double h = s * s + Math.Cos(lat1 * rad) * Math.Cos(lat2 * rad) * t * t;
        return 2 * EarthRadiusKm * Math.Asin(Math.Sqrt(Math.Min(1, h)));
    }
}
