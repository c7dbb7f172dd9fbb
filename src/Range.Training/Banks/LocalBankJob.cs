using RangeOrleans.Core.Banks;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Storage;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Encoders;

namespace RangeOrleans.Training.Banks;

/// <summary>
/// Bank construction in this process, laid out as the cluster job will be, in a blob store (a local folder
/// or az://): each shard is the blob shards/shard-NNNNN.arrow (committed atomically) and its SHA-256 is
/// recorded in shards.sha256 (sha256sum format) right after; a shard whose blob matches its recorded hash
/// is a finished shard and is not rebuilt. Then the shards are merged into bank.arrow.
/// </summary>
public static class LocalBankJob
{
    public const string BankFile = "bank.arrow";
    public const string ShardFolder = "shards";
    public const string ShardHashesFile = "shards.sha256";
    public const int DefaultShardSize = 4096;

    /// <summary>Shard <paramref name="index"/>'s blob: shards/shard-NNNNN.arrow.</summary>
    public static string ShardBlob(int index) => $"{ShardFolder}/shard-{index:D5}.arrow";

    public static FeatureBank Run(IGeoTileDataset data, IImageEncoder keys, IImageEncoder values, string dest, int shardSize = DefaultShardSize, Action<string>? log = null, CancellationToken cancellationToken = default) =>
        Run(data, keys, values, BlobStores.Open(dest), shardSize, log, cancellationToken);

    public static FeatureBank Run(IGeoTileDataset data, IImageEncoder keys, IImageEncoder values, IBlobStore store, int shardSize = DefaultShardSize, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var hashes = ReadHashes(store, cancellationToken);
        var shards = new List<FeatureBank>();
        foreach (var shard in BankShard.Plan(data.Count, shardSize))
        {
            var name = ShardBlob(shard.Index);
            if (TryReadFinished(store, name, hashes, cancellationToken) is { } done
                && done.Count == shard.Count && done.KeyDim == keys.Dimension && done.ValueDim == values.Dimension)
            {
                shards.Add(done);
                log?.Invoke($"shard {shard.Index}: already built ({shard.Count:N0} entries)");
                continue;
            }
            var bank = BankBuilder.BuildShard(data, shard, keys, values, cancellationToken: cancellationToken);
            hashes[name] = Write(store, name, bank, cancellationToken);
            WriteHashes(store, hashes, cancellationToken);
            shards.Add(bank);
            log?.Invoke($"shard {shard.Index}: {shard.Count:N0} entries, sha256 {hashes[name][..12]} -> {store.Location}/{name}");
        }
        var merged = BankBuilder.Merge(shards, $"{data.Name}: {data.Count} entries, keys {keys.Name} ({keys.Dimension}), values {values.Name} ({values.Dimension})");
        Write(store, BankFile, merged, cancellationToken);
        return merged;
    }

    /// <summary>Writes a bank as one Arrow blob (visible only when complete) and returns the SHA-256 of its bytes.</summary>
    public static string Write(IBlobStore store, string name, FeatureBank bank, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        ArrowBankFile.Write(bank, buffer);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        store.WriteAllBytesAsync(name, bytes, cancellationToken).GetAwaiter().GetResult();
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes.Span));
    }

    // A shard counts as finished only if its blob's bytes match the hash recorded when it was written.
    private static FeatureBank? TryReadFinished(IBlobStore store, string name, Dictionary<string, string> hashes, CancellationToken cancellationToken)
    {
        if (!hashes.TryGetValue(name, out var recorded) || !store.ExistsAsync(name, cancellationToken).GetAwaiter().GetResult()) return null;
        var bytes = store.ReadAllBytesAsync(name, cancellationToken).GetAwaiter().GetResult();
        using var stream = new MemoryStream(bytes, writable: false);
        if (ContentHash.OfStream(stream) != recorded) return null;
        stream.Position = 0;
        return ArrowBankFile.Read(stream, $"{store.Location}/{name}");
    }

    /// <summary>shards.sha256 of <paramref name="store"/>: shard blob name to the SHA-256 recorded when it was written (empty when absent).</summary>
    public static Dictionary<string, string> ReadHashes(IBlobStore store, CancellationToken cancellationToken)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!store.ExistsAsync(ShardHashesFile, cancellationToken).GetAwaiter().GetResult()) return hashes;
        foreach (var line in store.ReadAllTextAsync(ShardHashesFile, cancellationToken).GetAwaiter().GetResult().Split('\n'))
        {
            var parts = line.Split("  ", 2);
            if (parts.Length == 2 && parts[0].Length == 64) hashes[parts[1].Trim()] = parts[0];
        }
        return hashes;
    }

    private static void WriteHashes(IBlobStore store, Dictionary<string, string> hashes, CancellationToken cancellationToken)
    {
        var text = string.Concat(hashes.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Value}  {h.Key}\n"));
        store.WriteAllTextAsync(ShardHashesFile, text, cancellationToken).GetAwaiter().GetResult();
    }
}
