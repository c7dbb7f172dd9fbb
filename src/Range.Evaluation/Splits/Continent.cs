namespace RangeOrleans.Evaluation.Splits;

/// <summary>
/// A continent for the geographic hold-out split, drawn as one coarse lon/lat polygon (degrees) that
/// follows the conventional boundaries through the sea: Africa is cut from Europe through the Strait of
/// Gibraltar, the Mediterranean south of Sicily, Malta and Crete, and from Asia along the Suez Canal, the
/// Red Sea axis and the Gulf of Aden (Sinai and Arabia are Asia; Socotra, Madagascar, the Mascarenes and
/// Cape Verde are Africa). Asia is cut from Europe along the Ural Mountains and River, across the
/// Caspian, the Caucasus crest, the Black Sea, the Bosphorus and the Aegean coast of Anatolia (Cyprus
/// is Asia, the Greek islands are not), and from Oceania east of the Philippines and Japan and west
/// of New Guinea; it runs past 180 to the Bering Strait (Chukotka is Asia). Points within a few tens
/// of kilometres of these lines may fall on the wrong side; Natural Earth's country file carries no
/// continent attribute, so this polygon is the definition.
/// </summary>
public sealed class Continent
{
    private readonly (double Lon, double Lat)[] _polygon;
    private readonly bool _wrapsDateLine;

    private Continent(string name, bool wrapsDateLine, params (double Lon, double Lat)[] polygon)
    {
        Name = name;
        _wrapsDateLine = wrapsDateLine;
        _polygon = polygon;
    }

    public string Name { get; }

    public static readonly Continent Africa = new("africa", false,
        (-26, 15), (-19, 29), (-10, 35.8), (-5.6, 35.95), (-1, 36.2), (3, 37.0), (9.5, 37.8), (11.2, 37.3),
        (12.3, 35.5), (15, 34), (23, 33.6), (28, 31.8), (32.35, 31.5), (32.55, 29.9), (34, 27.5), (38, 21),
        (40, 17), (42.5, 14), (43.4, 12.6), (45, 12.2), (51.5, 12.8), (56, 14), (60, 10), (60, -30),
        (35, -40), (10, -40), (-20, -20), (-20, -5), (-26, 5));

    // Longitudes past 180 continue eastward (190 = -170); points west of -150 are shifted by 360 before the test.
    public static readonly Continent Asia = new("asia", true,
        (29.2, 41.5), (26.5, 40.3), (26.8, 39.0), (26.8, 38.0), (27.8, 36.5), (28.3, 36.6), (30, 35.5),
        (32, 33.8), (32.35, 31.5), (32.55, 29.9), (34, 27.5), (38, 21), (40, 17), (42.5, 14), (43.4, 12.6),
        (45, 12.2), (51.5, 12.8), (56, 14), (60, 10), (70, -10), (105, -11), (130, -9), (130, 0), (128, 10),
        (135, 25), (150, 40), (160, 48), (170, 56), (190, 64), (191, 66), (192, 72), (192, 90), (68, 90),
        (66, 76), (66, 69), (60, 66), (59, 60), (59.5, 52), (51.5, 47), (48.5, 42), (45, 42.7), (40, 43.6),
        (35, 43));

    public static IReadOnlyList<Continent> All { get; } = [Africa, Asia];

    public static Continent Parse(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown continent '{name}' for --split holdout (expected {string.Join(" or ", All.Select(c => c.Name))})");

    /// <summary>Even-odd ray casting in the lon/lat plane.</summary>
    public bool Contains(double lon, double lat)
    {
        if (_wrapsDateLine && lon < -150) lon += 360;
        bool inside = false;
        for (int i = 0, j = _polygon.Length - 1; i < _polygon.Length; j = i++)
        {
            var (xi, yi) = _polygon[i];
            var (xj, yj) = _polygon[j];
            if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi)
                inside = !inside;
        }
        return inside;
    }
}
