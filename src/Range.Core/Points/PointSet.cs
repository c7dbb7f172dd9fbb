namespace RangeOrleans.Core.Points;

/// <summary>
/// Query locations as parallel arrays of longitude and latitude in degrees (the (lon, lat) order
/// used everywhere in SatCLIP and RANGE). Arrays are owned, not copied.
/// </summary>
public sealed class PointSet
{
    public PointSet(double[] lon, double[] lat)
    {
        ArgumentNullException.ThrowIfNull(lon);
        ArgumentNullException.ThrowIfNull(lat);
        if (lon.Length != lat.Length)
            throw new ArgumentException($"{lon.Length} longitudes but {lat.Length} latitudes", nameof(lat));
        Lon = lon;
        Lat = lat;
    }

    public double[] Lon { get; }
    public double[] Lat { get; }
    public int Count => Lon.Length;

    /// <summary>Joins chunks (e.g. from <see cref="PointsReader.ReadChunks"/>) into one set.</summary>
    public static PointSet Concat(IEnumerable<PointSet> parts)
    {
        var lon = new List<double>();
        var lat = new List<double>();
        foreach (var part in parts)
        {
            lon.AddRange(part.Lon);
            lat.AddRange(part.Lat);
        }
        return new PointSet(lon.ToArray(), lat.ToArray());
    }
}
