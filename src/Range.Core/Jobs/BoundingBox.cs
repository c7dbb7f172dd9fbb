using System.Globalization;

namespace RangeOrleans.Core.Jobs;

/// <summary>A lon/lat box in degrees, edges included; west must be less than east (no antimeridian crossing).</summary>
public sealed record BoundingBox(double West, double South, double East, double North)
{
    public static readonly BoundingBox World = new(-180, -90, 180, 90);

    public bool Contains(double lon, double lat) => lon >= West && lon <= East && lat >= South && lat <= North;

    /// <summary>Parses "W,S,E,N" (degrees, invariant culture) and checks the order and ranges.</summary>
    public static BoundingBox Parse(string text)
    {
        if (text.Length > 256) throw new ArgumentException($"--bbox: {text.Length:N0} characters, expected W,S,E,N (four numbers separated by commas)");
        var parts = text.Split(',');
        if (parts.Length != 4)
            throw new ArgumentException($"--bbox '{text}': expected W,S,E,N (four numbers separated by commas)");
        var v = new double[4];
        for (int i = 0; i < 4; i++)
        {
            if (!double.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) || !double.IsFinite(v[i]))
                throw new ArgumentException($"--bbox '{text}': '{parts[i].Trim()}' is not a number");
        }
        var box = new BoundingBox(v[0], v[1], v[2], v[3]);
        box.Validate();
        return box;
    }

    public void Validate()
    {
        string? problem =
            !(double.IsFinite(West) && double.IsFinite(South) && double.IsFinite(East) && double.IsFinite(North)) ? "every edge must be a finite number"
            : West < -180 || East > 180 ? "west and east must be in [-180, 180]"
            : South < -90 || North > 90 ? "south and north must be in [-90, 90]"
            : West >= East ? "west must be less than east (boxes across the antimeridian are not supported: split them)"
            : South >= North ? "south must be less than north"
            : null;
        if (problem != null) throw new ArgumentException($"--bbox {this}: {problem}");
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{West},{South},{East},{North}");
}
