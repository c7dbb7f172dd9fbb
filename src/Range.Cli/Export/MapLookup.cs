using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Core.Points;

namespace RangeOrleans.Cli.Export;

/// <summary>
/// <c>range lookup</c>'s work: points read in chunks, each chunk looked up in a finished grid map
/// (<see cref="GridLookup"/>, shards through a small cache) and written as <c>range embed</c>'s Arrow rows plus
/// <see cref="DistanceColumn"/>. Memory: one chunk's rows and a few shards, whatever the number of points.
/// </summary>
internal static class MapLookup
{
    public const string DistanceColumn = "distance_km";

    /// <summary>Embedding values held per chunk (256 MiB of float32).</summary>
    private const long ChunkValues = 64L << 20;

    /// <summary>Decoded shards kept between chunks (values and coordinates), so a map this size or smaller is read once.</summary>
    private const long CacheBytes = 1L << 30;

    public sealed record Summary(long Points, int DistinctShardsRead, int ShardReads);

    public static Summary Run(FinishedMap map, IEnumerable<PointSet> chunks, LookupMethod method, EmbeddingArrowWriter writer)
    {
        var grid = map.RequireGrid("range lookup");
        int dim = map.Dimension;
        var lookup = new GridLookup(grid, map.Tiling, dim);
        var cache = new GridShardCache(map, maxShards: int.MaxValue, maxBytes: CacheBytes, keepOldest: true);
        long points = 0;
        float[] values = [];
        double[] distance = [];
        int chunkPoints = (int)Math.Max(1, Math.Min(1 << 20, ChunkValues / dim));
        foreach (var chunk in Rechunk(chunks, chunkPoints))
        {
            int n = chunk.Count;
            if (values.Length < (long)n * dim) values = new float[(long)n * dim];
            if (distance.Length < n) distance = new double[n];
            lookup.Run(chunk.Lon, chunk.Lat, method, tile =>
            {
                var (columns, cells) = cache.Get(tile);
                return (columns.Embeddings, cells);
            }, values.AsMemory(0, n * dim), distance.AsMemory(0, n));
            for (int b = 0; b < n; b += EmbeddingPipeline.DefaultBatchRows)
            {
                int m = Math.Min(EmbeddingPipeline.DefaultBatchRows, n - b);
                writer.WriteBatch(chunk.Lon.AsSpan(b, m), chunk.Lat.AsSpan(b, m), values.AsSpan(b * dim, m * dim), [distance.AsMemory(b, m)]);
            }
            points += n;
        }
        return new Summary(points, cache.DistinctShardsRead, cache.ShardsRead);
    }

    /// <summary>The input's points regrouped into chunks of <paramref name="size"/> (the last may be smaller).</summary>
    private static IEnumerable<PointSet> Rechunk(IEnumerable<PointSet> chunks, int size)
    {
        var lon = new List<double>(size);
        var lat = new List<double>(size);
        foreach (var chunk in chunks)
        {
            for (int k = 0; k < chunk.Count; k++)
            {
                lon.Add(chunk.Lon[k]);
                lat.Add(chunk.Lat[k]);
                if (lon.Count < size) continue;
                yield return new PointSet(lon.ToArray(), lat.ToArray());
                lon.Clear();
                lat.Clear();
            }
        }
        if (lon.Count > 0) yield return new PointSet(lon.ToArray(), lat.ToArray());
    }
}
