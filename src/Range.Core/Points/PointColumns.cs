using System.Globalization;
using RangeOrleans.Core.Formats;

namespace RangeOrleans.Core.Points;

/// <summary>
/// Which columns of a CSV header or an Arrow schema hold the longitude and the latitude, and the check of
/// every point read, for every reader of points. Longitude may be called <c>lon</c>, <c>lng</c>, <c>long</c>
/// or <c>longitude</c>, latitude <c>lat</c> or <c>latitude</c>, in any case; exactly one of each must be there.
/// </summary>
public static class PointColumns
{
    public static IReadOnlyList<string> LongitudeNames { get; } = ["lon", "lng", "long", "longitude"];

    public static IReadOnlyList<string> LatitudeNames { get; } = ["lat", "latitude"];

    /// <summary>The (longitude, latitude) column indices in <paramref name="columns"/>, or an error naming what is missing or ambiguous.</summary>
    public static (int Lon, int Lat) Find(IReadOnlyList<string> columns, string source) =>
        (FindOne(columns, LongitudeNames, "longitude", source), FindOne(columns, LatitudeNames, "latitude", source));

    private static int FindOne(IReadOnlyList<string> columns, IReadOnlyList<string> names, string what, string source)
    {
        var found = Enumerable.Range(0, columns.Count)
            .Where(i => names.Contains(columns[i].Trim(), StringComparer.OrdinalIgnoreCase))
            .ToList();
        return found.Count switch
        {
            1 => found[0],
            0 => throw new RangeFormatException(source,
                $"missing '{names[0]}' column (a {what} column may be called {string.Join(", ", names)}, any case; columns: {string.Join(", ", columns)})"),
            _ => throw new RangeFormatException(source,
                $"{found.Count} {what} columns ({string.Join(", ", found.Select(i => $"'{columns[i]}'"))}): keep exactly one"),
        };
    }

    /// <summary>Refuses a point that is not finite or outside [-180, 180] x [-90, 90], naming where it is.</summary>
    public static void Validate(double lon, double lat, string source, string where)
    {
        string x = lon.ToString(CultureInfo.InvariantCulture), y = lat.ToString(CultureInfo.InvariantCulture);
        string? problem =
            !double.IsFinite(lon) ? $"longitude {x} is not finite"
            : !double.IsFinite(lat) ? $"latitude {y} is not finite"
            : lon < -180 || lon > 180 ? $"longitude {x} is outside [-180, 180]"
            : lat < -90 || lat > 90 ? $"latitude {y} is outside [-90, 90]"
            : null;
        if (problem != null) throw new RangeFormatException(source, $"{where}: {problem}");
    }
}
