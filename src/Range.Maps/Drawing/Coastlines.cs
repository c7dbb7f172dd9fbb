using RangeOrleans.Core.Data;
using RangeOrleans.Core.Geography;

namespace RangeOrleans.Maps.Drawing;

/// <summary>
/// The land/sea boundary to draw over maps: every ring (outline and hole, so lake shores too) of the
/// Natural Earth 1:50m land polygons that ship with the project, as (lon, lat) degree sequences.
/// </summary>
public static class Coastlines
{
    /// <summary>The shipped land polygons' rings, or those of <paramref name="path"/> (a TopoJSON file with a "land" object).</summary>
    public static IReadOnlyList<(double Lon, double Lat)[]> Load(string? path = null)
    {
        var land = TopoJsonReader.Read(path ?? SampleData.Find(LandMask.DefaultFile), "land");
        var rings = new List<(double Lon, double Lat)[]>();
        foreach (var polygon in land.SelectMany(f => f.Polygons))
        {
            foreach (var ring in polygon.Rings)
            {
                var points = new (double Lon, double Lat)[ring.Length / 2];
                for (int i = 0; i < points.Length; i++) points[i] = (ring[2 * i], ring[2 * i + 1]);
                rings.Add(points);
            }
        }
        return rings;
    }
}
