using RangeOrleans.Core.Jobs;
using RangeOrleans.Storage;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// Checks finished shard files against the SHA-256 the shard table recorded for them, so a file damaged
/// or removed while the job was down is recomputed on resume instead of listed in the manifest.
/// </summary>
public static class ShardVerifier
{
    /// <summary>The tiles (of <paramref name="done"/>: tile, blob, recorded SHA-256) whose blob is missing or differs.</summary>
    public static async Task<List<string>> FindDamagedAsync(IBlobStore destination, IReadOnlyList<(string Tile, string Blob, string? Sha256)> done, CancellationToken cancellationToken)
    {
        var damaged = new List<string>();
        foreach (var (tile, blob, sha256) in done)
        {
            if (sha256 is null || !await destination.ExistsAsync(blob, cancellationToken)) { damaged.Add(tile); continue; }
            await using var stream = await destination.OpenReadAsync(blob, cancellationToken);
            if (await ContentHash.OfStreamAsync(stream, cancellationToken) != sha256) damaged.Add(tile);
        }
        return damaged;
    }
}
