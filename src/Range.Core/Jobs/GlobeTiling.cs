using System.Globalization;

namespace RangeOrleans.Core.Jobs;

/// <summary>
/// Splits the globe into square tiles of <see cref="TileDegrees"/> (which must divide 180). Every
/// (lon, lat) in [-180, 180] x [-90, 90] belongs to exactly one tile: tiles are closed on their west
/// and south edges and open on their east and north edges, except the last column and row, which also
/// hold lon = 180 and lat = 90. Tile ids name the south-west corner, e.g. <c>t+010+20</c> or <c>t-180-90</c>.
/// </summary>
public sealed class GlobeTiling
{
    public GlobeTiling(double tileDegrees)
    {
        Rows = WholeDivisions(180, tileDegrees, "--shard-degrees");
        Columns = 2 * Rows;
        if ((long)Columns * Rows > JobLimits.MaxTiles)
            throw new ArgumentException($"--shard-degrees {Format(tileDegrees)}: {(long)Columns * Rows:N0} tiles, more than the {JobLimits.MaxTiles:N0} a tiling may have; use larger tiles");
        TileDegrees = tileDegrees;
    }

    public double TileDegrees { get; }
    public int Columns { get; }
    public int Rows { get; }
    public int TileCount => Columns * Rows;

    public Tile TileOf(double lon, double lat)
    {
        if (!(lon >= -180 && lon <= 180) || !(lat >= -90 && lat <= 90))
            throw new ArgumentOutOfRangeException(nameof(lon), $"point ({lon}, {lat}) is outside [-180, 180] x [-90, 90]");
        return new Tile(Column(lon), Row(lat));
    }

    /// <summary>The column holding longitude <paramref name="lon"/> (lon = 180 goes to the last column).</summary>
    public int Column(double lon) => Math.Clamp((int)Math.Floor((lon + 180) * Columns / 360), 0, Columns - 1);

    /// <summary>The row holding latitude <paramref name="lat"/> (lat = 90 goes to the last row).</summary>
    public int Row(double lat) => Math.Clamp((int)Math.Floor((lat + 90) * Rows / 180), 0, Rows - 1);

    public double West(Tile tile) => -180 + 360.0 * tile.Column / Columns;
    public double South(Tile tile) => -90 + 180.0 * tile.Row / Rows;
    public double East(Tile tile) => -180 + 360.0 * (tile.Column + 1) / Columns;
    public double North(Tile tile) => -90 + 180.0 * (tile.Row + 1) / Rows;

    /// <summary>A stable, file-name-safe id from the tile's south-west corner.</summary>
    public string Id(Tile tile) => "t" + Signed(West(tile), "000") + Signed(South(tile), "00");

    /// <summary>The tile named by <paramref name="id"/> (as made by <see cref="Id"/>); ArgumentException if it is not one.</summary>
    public Tile ParseId(string id)
    {
        int split = id.Length > 2 ? id.IndexOfAny(['+', '-'], 2) : -1;
        if (!id.StartsWith('t') || split < 0
            || !double.TryParse(id.AsSpan(1, split - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double west)
            || !double.TryParse(id.AsSpan(split), NumberStyles.Float, CultureInfo.InvariantCulture, out double south))
            throw new ArgumentException($"'{id}' is not a tile id (expected t<west><south>, e.g. t+010+20)");
        var tile = TileOf(Math.Clamp(west + TileDegrees / 2, -180, 180), Math.Clamp(south + TileDegrees / 2, -90, 90));
        if (Id(tile) != id) throw new ArgumentException($"'{id}' is not a tile of a {TileDegrees.ToString(CultureInfo.InvariantCulture)}-degree tiling");
        return tile;
    }

    private static string Signed(double value, string integerDigits)
    {
        double rounded = Math.Round(value, 6);
        string text = Math.Abs(rounded).ToString(integerDigits + ".######", CultureInfo.InvariantCulture);
        return (rounded < 0 ? "-" : "+") + text;
    }

    /// <summary>n = span / step when it is a whole number; otherwise an ArgumentException naming <paramref name="what"/>.</summary>
    internal static int WholeDivisions(double span, double step, string what)
    {
        if (!double.IsFinite(step) || step <= 0 || step > span)
            throw new ArgumentException($"{what} {Format(step)}: expected a step in (0, {Format(span)}] degrees");
        double n = Math.Round(span / step);
        if (Math.Abs(n * step - span) > 1e-9 * span || n > int.MaxValue / 2)
            throw new ArgumentException($"{what} {Format(step)}: {Format(span)} / {Format(step)} is not a whole number; choose a step that divides {Format(span)} (e.g. 1, 0.5, 0.25, 0.1)");
        return (int)n;
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
