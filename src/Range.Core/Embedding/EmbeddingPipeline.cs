using RangeOrleans.Core.Formats.Arrow;

namespace RangeOrleans.Core.Embedding;

/// <summary>
/// Streams points through an embedder into an Arrow embedding file, one record batch per
/// <paramref name="batchRows"/> points, so output memory is one batch whatever the point count.
/// </summary>
public static class EmbeddingPipeline
{
    public const int DefaultBatchRows = 8192;

    /// <summary>Embeds every point in order and writes one row per point; returns the row count.</summary>
    public static long Write(
        ILocationEmbedder embedder,
        ReadOnlySpan<double> lon,
        ReadOnlySpan<double> lat,
        EmbeddingArrowWriter writer,
        int batchRows = DefaultBatchRows,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (lat.Length != lon.Length) throw new ArgumentException($"{lon.Length} longitudes but {lat.Length} latitudes");
        int dim = embedder.Dimension;
        var buffer = new float[(long)Math.Min(batchRows, Math.Max(lon.Length, 1)) * dim];
        long done = 0;
        for (int start = 0; start < lon.Length; start += batchRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(batchRows, lon.Length - start);
            var rows = buffer.AsSpan(0, n * dim);
            embedder.Embed(lon.Slice(start, n), lat.Slice(start, n), rows);
            writer.WriteBatch(lon.Slice(start, n), lat.Slice(start, n), rows);
            done += n;
            progress?.Report(done);
        }
        return done;
    }

    /// <summary>
    /// Embeds every point in order into one array (row-major, <see cref="ILocationEmbedder.Dimension"/> per point), in the
    /// batches <see cref="Write"/> uses, so each row equals the one a file of the same points holds. For small requests.
    /// </summary>
    public static float[] Embed(ILocationEmbedder embedder, ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, int batchRows = DefaultBatchRows)
    {
        if (lat.Length != lon.Length) throw new ArgumentException($"{lon.Length} longitudes but {lat.Length} latitudes");
        int dim = embedder.Dimension;
        var output = new float[(long)lon.Length * dim];
        for (int start = 0; start < lon.Length; start += batchRows)
        {
            int n = Math.Min(batchRows, lon.Length - start);
            embedder.Embed(lon.Slice(start, n), lat.Slice(start, n), output.AsSpan(start * dim, n * dim));
        }
        return output;
    }
}
