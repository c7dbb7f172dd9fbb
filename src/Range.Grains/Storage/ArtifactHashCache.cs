using System.Collections.Concurrent;

namespace RangeOrleans.Grains.Storage;

/// <summary>
/// SHA-256 of the checkpoints and banks embed requests name, remembered per local file while its length and write time
/// stay the same (a silo DI singleton): a request of one point must not re-read a large checkpoint. az:// blobs are
/// hashed each time (no cheap change check without a store call).
/// </summary>
public sealed class ArtifactHashCache(IBlobStoreFactory stores)
{
    private readonly ConcurrentDictionary<string, (long Length, DateTime Written, string Sha256)> _local = new(StringComparer.Ordinal);

    public async Task<string> Sha256Async(string location, CancellationToken cancellationToken)
    {
        if (ArtifactLocation.IsBlobUri(location)) return await ArtifactLocation.Sha256Async(location, stores, cancellationToken);
        var file = new FileInfo(location);
        if (file.Exists && _local.TryGetValue(location, out var known) && known.Length == file.Length && known.Written == file.LastWriteTimeUtc)
            return known.Sha256;
        string sha = await ArtifactLocation.Sha256Async(location, stores, cancellationToken);
        file.Refresh();
        _local[location] = (file.Length, file.LastWriteTimeUtc, sha);
        return sha;
    }
}
