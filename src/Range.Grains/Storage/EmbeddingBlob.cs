using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Storage;

namespace RangeOrleans.Grains.Storage;

/// <summary>
/// Writes an embeddings Arrow file to a blob the way map shards do: batch by batch through a SHA-256 hash into the
/// store's writer (staged blocks on Azure, a temporary file locally), so the file is never held in memory whole and
/// its checksum costs no second read; the blob becomes visible only once committed.
/// </summary>
public static class EmbeddingBlob
{
    /// <summary>Runs <paramref name="write"/> (which returns the rows it wrote) on a writer over blob <paramref name="name"/>.</summary>
    public static async Task<(long Rows, string Sha256)> WriteAsync(IBlobStore store, string name, int dimension, EmbeddingPrecision precision,
        IReadOnlyDictionary<string, string>? metadata, Func<EmbeddingArrowWriter, long> write, CancellationToken cancellationToken)
    {
        await using var blob = await store.CreateAsync(name, cancellationToken);
        string sha;
        long rows;
        using (var hashing = new HashingWriteStream(blob.Stream))
        {
            using (var writer = new EmbeddingArrowWriter(hashing, dimension, precision, metadata))
            {
                rows = write(writer);
                writer.Commit();
            }
            await hashing.FlushAsync(cancellationToken);
            sha = hashing.Sha256();
        }
        await blob.CommitAsync(cancellationToken);
        return (rows, sha);
    }
}
