using RangeOrleans.Core.Jobs;
using RangeOrleans.Storage;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// Checks finished shard files against the SHA-256 the shard table recorded for them, so a file damaged
/// or removed while the job was down is recomputed on resume instead of listed in the manifest.
/// </summary>
public static class ShardVerifier
{
    /// <summary>How many files are read at once: enough to overlap storage latency, few enough to leave the silo its CPU.</summary>
    public const int Parallelism = 4;

    /// <summary>The tiles (of <paramref name="done"/>: tile, blob, recorded SHA-256) whose blob is missing or differs.</summary>
    public static async Task<List<string>> FindDamagedAsync(IBlobStore destination, IReadOnlyList<(string Tile, string Blob, string? Sha256)> done, CancellationToken cancellationToken)
    {
        var damaged = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(done, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (shard, token) =>
        {
            if (shard.Sha256 is null || !await destination.ExistsAsync(shard.Blob, token)) { damaged.Add(shard.Tile); return; }
            await using var stream = await destination.OpenReadAsync(shard.Blob, token);
            if (await ContentHash.OfStreamAsync(stream, token) != shard.Sha256) damaged.Add(shard.Tile);
        });
        return damaged.Order(StringComparer.Ordinal).ToList();
    }
}
