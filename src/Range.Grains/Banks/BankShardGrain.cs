using Microsoft.Extensions.Logging;
using Orleans.Placement;
using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Training.Banks;

namespace RangeOrleans.Grains.Banks;

/// <summary>
/// One shard of a bank job, placed at random so shards spread over the silos. Builds on the thread pool with
/// the silo's <see cref="BankEncoderCache"/>; progress lives in memory only (a new activation after its silo
/// died reports Idle and the coordinator starts it again; a committed shard blob is never partial).
/// </summary>
[RandomPlacement]
public sealed class BankShardGrain(BankEncoderCache cache, IBlobStoreFactory stores, ILogger<BankShardGrain> logger) : Grain, IBankShardGrain
{
    private readonly Lock _gate = new();
    private BankShardProgress _progress = new(ShardRunState.Idle);

    public Task<BankShardProgress> StartAsync(BankJobSpec spec, int index, int start, int count)
    {
        lock (_gate)
        {
            if (_progress.State is ShardRunState.Running or ShardRunState.Done) return Task.FromResult(_progress);
            _progress = new BankShardProgress(ShardRunState.Running);
            _ = Task.Run(() => Run(spec, new BankShard(index, start, count)));
            return Task.FromResult(_progress);
        }
    }

    public Task<BankShardProgress> GetProgressAsync()
    {
        lock (_gate) return Task.FromResult(_progress);
    }

    private void Run(BankJobSpec spec, BankShard shard)
    {
        BankShardProgress result;
        try
        {
            var entry = cache.Get(spec);
            entry.Gate.Wait();
            try
            {
                var bank = BankBuilder.BuildShard(entry.Data, shard, entry.Keys, entry.Values);
                var sha = LocalBankJob.Write(stores.Open(spec.Destination), $"{LocalBankJob.ShardFolder}/{shard.FileName}", bank);
                result = new BankShardProgress(ShardRunState.Done, sha);
            }
            finally { entry.Gate.Release(); }
        }
        catch (Exception e)
        {
            logger.LogError(e, "Bank shard {Shard} failed", this.GetPrimaryKeyString());
            result = new BankShardProgress(ShardRunState.Failed, Error: $"{e.GetType().Name}: {e.Message}");
        }
        lock (_gate) _progress = result;
    }
}
