using RangeOrleans.Core.Banks;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Encoders;

namespace RangeOrleans.Training.Banks;

/// <summary>
/// Bank construction on one machine, laid out as the cluster job will be: each shard is written as
/// DEST/shards/shard-NNNNN.arrow (atomically; an existing shard file is a finished shard and is not
/// rebuilt), then the shards are merged into DEST/bank.arrow.
/// </summary>
public static class LocalBankJob
{
    public const string BankFile = "bank.arrow";
    public const string ShardFolder = "shards";
    public const int DefaultShardSize = 4096;

    public static FeatureBank Run(IGeoTileDataset data, IImageEncoder keys, IImageEncoder values, string dest, int shardSize = DefaultShardSize, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var shardDir = Path.Combine(dest, ShardFolder);
        Directory.CreateDirectory(shardDir);
        var shards = new List<FeatureBank>();
        foreach (var shard in BankShard.Plan(data.Count, shardSize))
        {
            var path = Path.Combine(shardDir, shard.FileName);
            if (File.Exists(path))
            {
                var done = ArrowBankFile.Read(path);
                if (done.Count == shard.Count && done.KeyDim == keys.Dimension && done.ValueDim == values.Dimension)
                {
                    shards.Add(done);
                    log?.Invoke($"shard {shard.Index}: already built ({shard.Count:N0} entries)");
                    continue;
                }
            }
            var bank = BankBuilder.BuildShard(data, shard, keys, values, cancellationToken: cancellationToken);
            ArrowBankFile.Write(bank, path);
            shards.Add(bank);
            log?.Invoke($"shard {shard.Index}: {shard.Count:N0} entries -> {path}");
        }
        var merged = BankBuilder.Merge(shards, $"{data.Name}: {data.Count} entries, keys {keys.Name} ({keys.Dimension}), values {values.Name} ({values.Dimension})");
        ArrowBankFile.Write(merged, Path.Combine(dest, BankFile));
        return merged;
    }
}
