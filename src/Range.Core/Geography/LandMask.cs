using RangeOrleans.Core.Data;

namespace RangeOrleans.Core.Geography;

/// <summary>Land or sea at a point, from the Natural Earth 1:50m land polygons.</summary>
public sealed class LandMask
{
    public const string DefaultFile = "natural_earth/land-50m.json";

    private readonly PolygonIndex _index;

    public LandMask(PolygonIndex index) => _index = index;

    /// <summary>The land polygons shipped with the project (or from <paramref name="path"/>, a TopoJSON file with a "land" object).</summary>
    public static LandMask Load(string? path = null) =>
        new(new PolygonIndex(TopoJsonReader.Read(path ?? SampleData.Find(DefaultFile), "land")));

    public bool IsLand(double lon, double lat) => _index.Contains(lon, lat);
}
