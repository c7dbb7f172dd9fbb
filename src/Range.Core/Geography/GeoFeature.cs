namespace RangeOrleans.Core.Geography;

/// <summary>
/// A named area (a country, the land): polygons whose rings are closed (lon, lat) degree sequences,
/// stored interleaved (lon0, lat0, lon1, lat1, ...). A polygon's first ring is its outline, the rest holes.
/// </summary>
public sealed record GeoFeature(string? Id, string? Name, IReadOnlyList<GeoPolygon> Polygons);

/// <summary>One polygon: outline then holes, each ring interleaved (lon, lat) degrees.</summary>
public sealed record GeoPolygon(IReadOnlyList<double[]> Rings);
