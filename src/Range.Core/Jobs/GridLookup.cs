using System.Globalization;
using RangeOrleans.Core.Geometry;

namespace RangeOrleans.Core.Jobs;

/// <summary>How <see cref="GridLookup"/> turns a grid map into a value at any point.</summary>
public enum LookupMethod
{
    /// <summary>The row of the cell holding the point (cells are closed west and south).</summary>
    Nearest,

    /// <summary>
    /// Bilinear in (lon, lat) between the four cell centres around the point; longitudes wrap on a global
    /// grid, and beyond the outermost centres (poles, a --bbox map's edge) the edge cells are used.
    /// </summary>
    Bilinear,
}

/// <summary>
/// Embeddings for arbitrary points from a finished grid map, no model: each point's cells are found by
/// arithmetic, the points are grouped by the shard (tile) holding their cells, and each shard is asked for
/// once, for its group only (memory: the caller's shard cache), so only the shards some point needs are read.
/// Rows come out in input order.
/// </summary>
public sealed class GridLookup(GridPoints grid, GlobeTiling tiling, int dimension)
{
    /// <summary>A shard's embeddings (its cells' rows, row-major) and which cells they are.</summary>
    public delegate (float[] Values, TileCells Cells) ShardSource(Tile tile);

    /// <summary>
    /// Fills <paramref name="output"/> (points x dimension) and <paramref name="distanceKm"/> (to the cell used;
    /// for bilinear, the nearest of the four). A point whose own cell is not in the map is an ArgumentException.
    /// </summary>
    public void Run(ReadOnlyMemory<double> lon, ReadOnlyMemory<double> lat, LookupMethod method, ShardSource shards, Memory<float> output, Memory<double> distanceKm)
    {
        int n = lon.Length;
        if (lat.Length != n || distanceKm.Length != n || output.Length != (long)n * dimension)
            throw new ArgumentException("lookup buffers do not match the number of points");
        int taps = method == LookupMethod.Bilinear ? 4 : 1;
        var cell = new long[n * taps];      // i + j * LonCells
        var weight = new float[n * taps];
        var tile = new int[n * taps];       // tile row * columns + column
        int firstBad = int.MaxValue;

        // 1. Each point's cells, weights and tiles (both cores; a bad point is reported after, the first one).
        Parallel.For(0, (n + Block - 1) / Block, block =>
        {
            for (int k = block * Block, end = Math.Min(n, k + Block); k < end; k++)
            {
                double x = lon.Span[k], y = lat.Span[k];
                if (!(x >= -180 && x <= 180 && y >= -90 && y <= 90)) { Bad(k); return; }
                int i = grid.ColumnOf(x), j = grid.RowOf(y);
                if (!grid.IsSelected(i, j)) { Bad(k); return; }
                distanceKm.Span[k] = GreatCircle.DistanceKm(x, y, grid.Lon(i), grid.Lat(j));
                if (taps == 1)
                {
                    Set(k, i, j, 1f);
                    continue;
                }
                double fx = (x + 180) / grid.Degrees - 0.5, fy = (y + 90) / grid.Degrees - 0.5;
                int i0 = (int)Math.Floor(fx), j0 = (int)Math.Floor(fy);
                float tx = (float)(fx - i0), ty = (float)(fy - j0);
                int a = Column(i0), b = Column(i0 + 1), c = Row(j0), d = Row(j0 + 1);
                Set(4 * k, a, c, (1 - tx) * (1 - ty));
                Set(4 * k + 1, b, c, tx * (1 - ty));
                Set(4 * k + 2, a, d, (1 - tx) * ty);
                Set(4 * k + 3, b, d, tx * ty);
            }
        });
        if (firstBad != int.MaxValue)
        {
            double x = lon.Span[firstBad], y = lat.Span[firstBad];
            string where = !(x >= -180 && x <= 180 && y >= -90 && y <= 90) ? "outside [-180, 180] x [-90, 90]"
                : string.Create(CultureInfo.InvariantCulture, $"outside the map's cells (its --bbox {grid.Box}, {grid.Degrees}-degree grid)");
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"point {firstBad + 1} ({x}, {y}) is {where}"));
        }

        // 2. The taps grouped by tile (a stable counting sort over the tiles present).
        var slot = new int[tiling.TileCount];
        foreach (int t in tile) slot[t] = 1;
        var tiles = new List<int>();
        for (int t = 0; t < slot.Length; t++)
        {
            if (slot[t] == 0) continue;
            slot[t] = tiles.Count;
            tiles.Add(t);
        }
        var start = new int[tiles.Count + 1];
        foreach (int t in tile) start[slot[t] + 1]++;
        for (int g = 0; g < tiles.Count; g++) start[g + 1] += start[g];
        var fill = start[..^1].ToArray();
        var order = new int[tile.Length];
        for (int q = 0; q < tile.Length; q++) order[fill[slot[tile[q]]]++] = q;

        // 3. Tile by tile (each shard asked for once and held only while its taps are gathered), the taps on both
        // cores. Bilinear adds one corner at a time, so no two threads add to the same point at once.
        if (taps == 4) output.Span.Clear();
        for (int g = 0; g < tiles.Count; g++)
        {
            var (values, cells) = shards(new Tile(tiles[g] % tiling.Columns, tiles[g] / tiling.Columns));
            int from = start[g], to = start[g + 1];
            for (int corner = 0; corner < taps; corner++)
            {
                Parallel.For(0, (to - from + Block - 1) / Block, block =>
                {
                    var result = output.Span;
                    for (int q = from + block * Block, end = Math.Min(to, q + Block); q < end; q++)
                    {
                        int tap = order[q];
                        if (tap % taps != corner) continue;
                        long c = cell[tap];
                        int i = (int)(c % grid.LonCells), j = (int)(c / grid.LonCells);
                        var row = values.AsSpan(checked((int)(cells.IndexOf(i, j) * dimension)), dimension);
                        var target = result.Slice((tap / taps) * dimension, dimension);
                        if (taps == 1) row.CopyTo(target);
                        else System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(row, weight[tap], target, target);
                    }
                });
            }
        }

        void Bad(int k)
        {
            int seen;
            while (k < (seen = Volatile.Read(ref firstBad)) && Interlocked.CompareExchange(ref firstBad, k, seen) != seen) { }
        }

        void Set(int tap, int i, int j, float w)
        {
            cell[tap] = i + (long)j * grid.LonCells;
            weight[tap] = w;
            tile[tap] = tiling.Row(grid.Lat(j)) * tiling.Columns + tiling.Column(grid.Lon(i));
        }
    }

    private const int Block = 16384;

    // Bilinear neighbours: wrap around the antimeridian on a grid of every column, else stay on the map's edge.
    private int Column(int i)
    {
        if (grid.ColumnCount == grid.LonCells) return ((i % grid.LonCells) + grid.LonCells) % grid.LonCells;
        return Math.Clamp(i, grid.FirstColumn, grid.FirstColumn + grid.ColumnCount - 1);
    }

    private int Row(int j) => Math.Clamp(j, grid.FirstRow, grid.FirstRow + grid.RowCount - 1);
}
