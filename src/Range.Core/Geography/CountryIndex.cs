using RangeOrleans.Core.Data;

namespace RangeOrleans.Core.Geography;

/// <summary>
/// Which country a point is in, from the Natural Earth 1:50m country polygons; countries are named by
/// their Natural Earth name and ISO 3166-1 numeric id (a few disputed areas have a name but no id).
/// </summary>
public sealed class CountryIndex
{
    public const string DefaultFile = "natural_earth/countries-50m.json";

    private readonly PolygonIndex _index;

    public CountryIndex(PolygonIndex index) => _index = index;

    public static CountryIndex Load(string? path = null) =>
        new(new PolygonIndex(TopoJsonReader.Read(path ?? SampleData.Find(DefaultFile), "countries")));

    public IReadOnlyList<GeoFeature> Countries => _index.Features;

    /// <summary>Index into <see cref="Countries"/> of the country containing the point, or -1 (sea, or no country).</summary>
    public int Locate(double lon, double lat) => _index.Locate(lon, lat);

    public GeoFeature? CountryAt(double lon, double lat) => _index.FeatureAt(lon, lat);

    /// <summary>The country with this name (case-insensitive) or ISO numeric id ("250" or "250"-padded as in the file), or null.</summary>
    public GeoFeature? Find(string nameOrId) =>
        Countries.FirstOrDefault(c => string.Equals(c.Name, nameOrId, StringComparison.OrdinalIgnoreCase))
        ?? Countries.FirstOrDefault(c => c.Id is not null && int.TryParse(c.Id, out int a) && int.TryParse(nameOrId, out int b) && a == b);
}
