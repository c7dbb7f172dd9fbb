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
        // Only the cells the box can hold are looked at (one cell of margin for rounding), and their
        // number is checked before any array is sized from it.
        var (firstColumn, columnCount) = Candidates(Box.West + 180, Box.East + 180, LonCells);
        var (firstRow, rowCount) = Candidates(Box.South + 90, Box.North + 90, LatCells);
        if ((double)columnCount * rowCount > JobLimits.MaxPoints)
            throw new ArgumentException($"--grid {degrees.ToString(CultureInfo.InvariantCulture)} over {Box}: about {(double)columnCount * rowCount:0.##e0} points, more than the {JobLimits.MaxPoints:N0} a job may have");
        _columns = Enumerable.Range(firstColumn, columnCount).Where(i => Lon(i) >= Box.West && Lon(i) <= Box.East).ToArray();
        _rows = Enumerable.Range(firstRow, rowCount).Where(j => Lat(j) >= Box.South && Lat(j) <= Box.North).ToArray();
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

    /// <summary>The column whose cell holds <paramref name="lon"/> (cells are closed west, lon = 180 in the last).</summary>
    public int ColumnOf(double lon) => Math.Clamp((int)Math.Floor((lon + 180) / Degrees), 0, LonCells - 1);

    /// <summary>The row whose cell holds <paramref name="lat"/> (cells are closed south, lat = 90 in the last).</summary>
    public int RowOf(double lat) => Math.Clamp((int)Math.Floor((lat + 90) / Degrees), 0, LatCells - 1);

    /// <summary>The selected columns: [FirstColumn, FirstColumn + ColumnCount) (a box selects a contiguous range).</summary>
    public int FirstColumn => _columns[0];
    public int ColumnCount => _columns.Length;

    /// <summary>The selected rows: [FirstRow, FirstRow + RowCount).</summary>
    public int FirstRow => _rows[0];
    public int RowCount => _rows.Length;

    public bool IsSelected(int i, int j) =>
        i >= FirstColumn && i < FirstColumn + ColumnCount && j >= FirstRow && j < FirstRow + RowCount;

    /// <summary>
    /// The selected cells of <paramref name="tile"/>: columns [FirstColumn, FirstColumn + Columns) and rows
    /// [FirstRow, FirstRow + Rows); <see cref="PointsIn"/> lists them row by row, so cell (i, j) is point
    /// (j - FirstRow) x Columns + (i - FirstColumn) of the tile. Empty (0 columns or rows) if the tile holds none.
    /// </summary>
    public TileCells CellsIn(GlobeTiling tiling, Tile tile)
    {
        var columns = _columns.Where(i => tiling.Column(Lon(i)) == tile.Column).ToArray();
        var rows = _rows.Where(j => tiling.Row(Lat(j)) == tile.Row).ToArray();
        return columns.Length == 0 || rows.Length == 0 ? new TileCells(0, 0, 0, 0) : new TileCells(columns[0], columns.Length, rows[0], rows.Length);
    }

    public IReadOnlyList<TileCount> CountPerTile(GlobeTiling tiling)
    {
        var (perColumn, perRow) = PerColumnAndRow(tiling);
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

    public TileExtent Extent(GlobeTiling tiling)
    {
        var (perColumn, perRow) = PerColumnAndRow(tiling);
        return new TileExtent((long)perColumn.Count(n => n > 0) * perRow.Count(n => n > 0), perColumn.Max() * perRow.Max());
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

    // A grid's tile holds (its columns' cells) x (its rows' cells).
    private (long[] PerColumn, long[] PerRow) PerColumnAndRow(GlobeTiling tiling)
    {
        var perColumn = new long[tiling.Columns];
        var perRow = new long[tiling.Rows];
        foreach (int i in _columns) perColumn[tiling.Column(Lon(i))]++;
        foreach (int j in _rows) perRow[tiling.Row(Lat(j))]++;
        return (perColumn, perRow);
    }

    // Cell indices whose centre (offset + 0.5) x Degrees may lie in [from, to] (offsets from -180 / -90), with a margin of one.
    private (int First, int Count) Candidates(double from, double to, int cells)
    {
        long first = Math.Max(0, (long)Math.Floor(from / Degrees - 0.5) - 1);
        long last = Math.Min(cells - 1, (long)Math.Ceiling(to / Degrees - 0.5) + 1);
        return ((int)first, (int)Math.Max(0, last - first + 1));
    }
}

/// <summary>A tile's cells of a <see cref="GridPoints"/>: a block of columns by rows, listed row by row (south to north).</summary>
public readonly record struct TileCells(int FirstColumn, int Columns, int FirstRow, int Rows)
{
    public long Count => (long)Columns * Rows;

    public bool Contains(int i, int j) => i >= FirstColumn && i < FirstColumn + Columns && j >= FirstRow && j < FirstRow + Rows;

    /// <summary>The point index of cell (i, j) in the tile's listing.</summary>
    public long IndexOf(int i, int j) => (long)(j - FirstRow) * Columns + (i - FirstColumn);
}
