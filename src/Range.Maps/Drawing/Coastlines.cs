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

    /// <summary>
    /// The lines to draw for <paramref name="rings"/>: each ring cut into runs of two or more points wherever a
    /// segment is no coast (<see cref="IsCoast"/>), so no line crosses the map or runs along its edge.
    /// </summary>
    public static IEnumerable<(double Lon, double Lat)[]> Lines(IReadOnlyList<(double Lon, double Lat)[]> rings)
    {
        var run = new List<(double Lon, double Lat)>();
        foreach (var ring in rings)
        {
            for (int j = 1; j < ring.Length; j++)
            {
                if (!IsCoast(ring[j - 1], ring[j]))
                {
                    if (run.Count > 1) yield return run.ToArray();
                    run.Clear();
                    continue;
                }
                if (run.Count == 0) run.Add(ring[j - 1]);
                run.Add(ring[j]);
            }
            if (run.Count > 1) yield return run.ToArray();
            run.Clear();
        }
    }

    /// <summary>
    /// Whether a ring segment is a real boundary: not the jump where a ring crosses the date line (it
    /// would cross the whole map), nor the cuts polygons get along the map's edges (the antimeridian,
    /// Antarctica's closure along the south pole), which are no coast.
    /// </summary>
    internal static bool IsCoast((double Lon, double Lat) a, (double Lon, double Lat) b) =>
        Math.Abs(b.Lon - a.Lon) <= 180
        && !(Math.Abs(a.Lon) >= 179.999 && Math.Abs(b.Lon) >= 179.999)
        && !(Math.Abs(a.Lat) >= 89.999 && Math.Abs(b.Lat) >= 89.999);
}
