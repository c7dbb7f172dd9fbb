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
/// South America and Oceania are the validation continents: recipes and checkpoints are chosen on them so
/// that Africa and Asia, the paper's held-out continents, stay untouched test sets. South America is cut
/// from Central America at the Panama-Colombia border and keeps Trinidad, the Galapagos, the Falklands and
/// South Georgia; Oceania is Australia, New Zealand, New Guinea and the Pacific islands with Hawaii and
/// Easter Island (the Caribbean is North America's).
/// </summary>
public sealed class Continent
{
    private readonly (double Lon, double Lat)[] _polygon;
    private readonly double _eastwardWestOf;

    /// <param name="eastwardWestOf">Longitudes below this are shifted by +360 before the test, so a polygon
    /// can run past 180 (190 = -170).</param>
    private Continent(string name, double eastwardWestOf, params (double Lon, double Lat)[] polygon)
    {
        Name = name;
        _eastwardWestOf = eastwardWestOf;
        _polygon = polygon;
    }

    public string Name { get; }

    public static readonly Continent Africa = new("africa", -180,
        (-26, 15), (-19, 29), (-10, 35.8), (-5.6, 35.95), (-1, 36.2), (3, 37.0), (9.5, 37.8), (11.2, 37.3),
        (12.3, 35.5), (15, 34), (23, 33.6), (28, 31.8), (32.35, 31.5), (32.55, 29.9), (34, 27.5), (38, 21),
        (40, 17), (42.5, 14), (43.4, 12.6), (45, 12.2), (51.5, 12.8), (56, 14), (60, 10), (60, -30),
        (35, -40), (10, -40), (-20, -20), (-20, -5), (-26, 5));

    public static readonly Continent Asia = new("asia", -150,
        (29.2, 41.5), (26.5, 40.3), (26.8, 39.0), (26.8, 38.0), (27.8, 36.5), (28.3, 36.6), (30, 35.5),
        (32, 33.8), (32.35, 31.5), (32.55, 29.9), (34, 27.5), (38, 21), (40, 17), (42.5, 14), (43.4, 12.6),
        (45, 12.2), (51.5, 12.8), (56, 14), (60, 10), (70, -10), (105, -11), (130, -9), (130, 0), (128, 10),
        (135, 25), (150, 40), (160, 48), (170, 56), (190, 64), (191, 66), (192, 72), (192, 90), (68, 90),
        (66, 76), (66, 69), (60, 66), (59, 60), (59.5, 52), (51.5, 47), (48.5, 42), (45, 42.7), (40, 43.6),
        (35, 43));

    public static readonly Continent SouthAmerica = new("south-america", -180,
        (-77.9, 7.3), (-77.3, 8.7), (-76, 10.5), (-72, 12.8), (-66, 11.2), (-61.5, 11.5), (-60, 10.5), (-50, 8),
        (-30, 0), (-30, -20), (-33, -52), (-60, -58), (-70, -58), (-82, -40), (-93, -5), (-93, 3), (-79.5, 6.0));

    public static readonly Continent Oceania = new("oceania", -100,
        (110, -12), (130, -9.2), (130.2, 0), (128.2, 10), (135.2, 25), (180, 30), (230, 30), (252, -20),
        (252, -30), (190, -55), (150, -55), (110, -45));

    public static IReadOnlyList<Continent> All { get; } = [Africa, Asia, SouthAmerica, Oceania];

    public static Continent Parse(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown continent '{name}' for --split holdout (expected one of {string.Join(", ", All.Select(c => c.Name))})");

    /// <summary>Even-odd ray casting in the lon/lat plane.</summary>
    public bool Contains(double lon, double lat)
    {
        if (lon < _eastwardWestOf) lon += 360;
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
