using System.Globalization;
using RangeOrleans.Core.Points;

namespace RangeOrleans.Core.Jobs;

/// <summary>
/// The cell centres of a regular lon/lat grid of step D degrees: lon = -180 + (i + 0.5) D for
/// i in [0, 360/D), lat = -90 + (j + 0.5) D for j in [0, 180/D), optionally only those inside a
/// bounding box. D must divide 180. Points of a tile are listed south to north, then west to east.
/// </summary>
public sealed class GridPoints : IGeneratedPoints
{
    private readonly int[] _columns;   // selected i, ascending
    private readonly int[] _rows;      // selected j, ascending

    public GridPoints(double degrees, BoundingBox? bbox = null)
    {
        LatCells = GlobeTiling.WholeDivisions(180, degrees, "--grid");
        LonCells = 2 * LatCells;
        Degrees = degrees;
        Box = bbox ?? BoundingBox.World;
        Box.Validate();
        _columns = Enumerable.Range(0, LonCells).Where(i => Lon(i) >= Box.West && Lon(i) <= Box.East).ToArray();
        _rows = Enumerable.Range(0, LatCells).Where(j => Lat(j) >= Box.South && Lat(j) <= Box.North).ToArray();
        if (_columns.Length == 0 || _rows.Length == 0)
            throw new ArgumentException($"--bbox {Box} holds no cell centre of a {degrees.ToString(CultureInfo.InvariantCulture)}-degree grid");
    }

    public double Degrees { get; }
    public BoundingBox Box { get; }
    public int LonCells { get; }
    public int LatCells { get; }
    public long Count => (long)_columns.Length * _rows.Length;

    public double Lon(int i) => -180 + (i + 0.5) * Degrees;
    public double Lat(int j) => -90 + (j + 0.5) * Degrees;

    public IReadOnlyList<TileCount> CountPerTile(GlobeTiling tiling)
    {
        var perColumn = new long[tiling.Columns];
        var perRow = new long[tiling.Rows];
        foreach (int i in _columns) perColumn[tiling.Column(Lon(i))]++;
        foreach (int j in _rows) perRow[tiling.Row(Lat(j))]++;
        var result = new List<TileCount>();
        for (int r = 0; r < tiling.Rows; r++)
        {
            if (perRow[r] == 0) continue;
            for (int c = 0; c < tiling.Columns; c++)
            {
                if (perColumn[c] > 0) result.Add(new TileCount(new Tile(c, r), perColumn[c] * perRow[r]));
            }
        }
        return result;
    }

    public PointSet PointsIn(GlobeTiling tiling, Tile tile)
    {
        var lons = _columns.Where(i => tiling.Column(Lon(i)) == tile.Column).Select(Lon).ToArray();
        var lats = _rows.Where(j => tiling.Row(Lat(j)) == tile.Row).Select(Lat).ToArray();
        var lon = new double[lons.Length * lats.Length];
        var lat = new double[lon.Length];
        int k = 0;
        foreach (double y in lats)
        {
            foreach (double x in lons)
            {
                lon[k] = x;
                lat[k++] = y;
            }
        }
        return new PointSet(lon, lat);
    }
}
