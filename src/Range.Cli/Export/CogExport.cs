using System.Globalization;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Formats.GeoTiff;
using RangeOrleans.Core.Jobs;

namespace RangeOrleans.Cli.Export;

/// <summary>
/// A grid map as a Cloud-Optimized GeoTIFF: the whole globe at the grid's step (origin (-180, 90), pixel size =
/// step, so cell (i, j) of <see cref="GridPoints"/> is pixel (i, rows - 1 - j)), one band per embedding dimension
/// (descriptions A00, A01, ...), NoData where a --bbox job has no cell. Tiles are filled from the shards they
/// overlap, a few shards kept decoded at a time.
/// </summary>
internal static class CogExport
{
    /// <summary>Decoded shards kept for the next tiles (the quadtree walk visits neighbours one after another).</summary>
    private const int CachedShards = 4;

    public static CogSummary Write(FinishedMap map, CogSampleType sampleType, Stream output, string? tempFolder = null)
    {
        var grid = map.RequireGrid("--format cog");
        int dim = map.Dimension;
        var metadata = map.Identities();
        float[]? scale = null, offset = null;
        if (sampleType == CogSampleType.Int8)
        {
            (scale, offset) = Int8Quantisation(map);
            metadata["range.int8"] = "value = stored x band scale + band offset (GDAL's band scale/offset); per band, offset is the midpoint of the band's range and scale its width / 254, so the error is at most scale / 2; NoData -128";
        }
        metadata["range.cell"] = "pixel (col, row) is the grid cell centred at lon = -180 + (col + 0.5) x step, lat = 90 - (row + 0.5) x step (PixelIsArea)";
        var options = new CogOptions
        {
            Width = grid.LonCells,
            Height = grid.LatCells,
            Bands = dim,
            West = -180,
            North = 90,
            PixelSize = grid.Degrees,
            SampleType = sampleType,
            BandDescriptions = Enumerable.Range(0, dim).Select(BandName).ToArray(),
            Scale = scale,
            Offset = offset,
            Metadata = metadata,
        };
        var cache = new GridShardCache(map, CachedShards);
        return CogWriter.Write(output, options, (bx, by, window) => Fill(map, grid, cache, options.BlockSize, bx, by, window), tempFolder);
    }

    /// <summary>Band b's description: A00, A01, ... (as AlphaEarth's bands), three digits from 1000 bands on.</summary>
    public static string BandName(int band) => "A" + band.ToString(band < 100 ? "00" : "000", CultureInfo.InvariantCulture);

    private static bool Fill(FinishedMap map, GridPoints grid, GridShardCache cache, int block, int bx, int by, Span<float> window)
    {
        // Pixel x is column i = x; pixel y is row j = LatCells - 1 - y.
        int x0 = bx * block, x1 = Math.Min(grid.LonCells, x0 + block) - 1;
        int jTop = grid.LatCells - 1 - by * block, jBottom = Math.Max(0, jTop - block + 1);
        int i0 = Math.Max(x0, grid.FirstColumn), i1 = Math.Min(x1, grid.FirstColumn + grid.ColumnCount - 1);
        int j0 = Math.Max(jBottom, grid.FirstRow), j1 = Math.Min(jTop, grid.FirstRow + grid.RowCount - 1);
        if (i0 > i1 || j0 > j1) return false;
        int dim = map.Dimension, plane = block * block;
        int c0 = map.Tiling.Column(grid.Lon(i0)), c1 = map.Tiling.Column(grid.Lon(i1));
        int r0 = map.Tiling.Row(grid.Lat(j0)), r1 = map.Tiling.Row(grid.Lat(j1));
        for (int r = r0; r <= r1; r++)
        {
            for (int c = c0; c <= c1; c++)
            {
                var tile = new Tile(c, r);
                var (columns, cells) = cache.Get(tile);
                if (cells.Count == 0) continue;
                int ia = Math.Max(i0, cells.FirstColumn), ib = Math.Min(i1, cells.FirstColumn + cells.Columns - 1);
                int ja = Math.Max(j0, cells.FirstRow), jb = Math.Min(j1, cells.FirstRow + cells.Rows - 1);
                var values = columns.Embeddings;
                for (int j = ja; j <= jb; j++)
                {
                    int y = jTop - j;
                    for (int i = ia; i <= ib; i++)
                    {
                        long row = cells.IndexOf(i, j);
                        var source = values.AsSpan((int)(row * dim), dim);
                        int at = y * block + (i - x0);
                        for (int b = 0; b < dim; b++) window[b * plane + at] = source[b];
                    }
                }
            }
        }
        return true;
    }

    /// <summary>Per band: offset = midpoint of the band's range over the whole map, scale = range / 254 (codes -127..127).</summary>
    private static (float[] Scale, float[] Offset) Int8Quantisation(FinishedMap map)
    {
        int dim = map.Dimension;
        var min = Enumerable.Repeat(float.PositiveInfinity, dim).ToArray();
        var max = Enumerable.Repeat(float.NegativeInfinity, dim).ToArray();
        foreach (var shard in map.Shards)
        {
            var e = map.ReadShard(shard).Embeddings;
            for (long k = 0; k < e.Length; k += dim)
            {
                var row = e.AsSpan((int)k, dim);
                for (int b = 0; b < dim; b++)
                {
                    if (row[b] < min[b]) min[b] = row[b];
                    if (row[b] > max[b]) max[b] = row[b];
                }
            }
        }
        var scale = new float[dim];
        var offset = new float[dim];
        for (int b = 0; b < dim; b++)
        {
            if (!float.IsFinite(min[b])) { scale[b] = 1; continue; }
            offset[b] = (float)(((double)min[b] + max[b]) / 2);
            double width = (double)max[b] - min[b];
            // A little headroom so offset + 127 x scale covers max after float32 rounding.
            scale[b] = width > 0 ? (float)(width / 254 * (1 + 1e-6)) : 1;
        }
        return (scale, offset);
    }
}
