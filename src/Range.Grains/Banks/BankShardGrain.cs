using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Runtime;
using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Shards;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Training.Banks;

namespace RangeOrleans.Grains.Banks;

/// <summary>
/// One shard of a bank job, placed at random so shards spread over the silos. Builds on the silo's <see cref="ComputeThreads"/> with
/// the silo's <see cref="BankEncoderCache"/>; progress lives in memory only (a new activation after its silo
/// died reports Idle and the coordinator starts it again; a committed shard blob is never partial). Cancel, or
/// deactivation, stops the build between batches (or its upload), so nothing is committed. Its spec's locations (and
/// an s2: dataset's every tile) are checked against this silo's roots before any is opened.
/// </summary>
[RandomPlacement]
public sealed class BankShardGrain(BankEncoderCache cache, IBlobStoreFactory stores, ComputeThreads compute, AllowedRoots roots, ILocalSiloDetails silo,
    ILogger<BankShardGrain> logger)
    : ShardRunGrain, IBankShardGrain
{
    private BankShardProgress _progress = new(ShardRunState.Idle);

    public Task<BankShardProgress> StartAsync(BankJobSpec spec, int index, int start, int count)
    {
        lock (Gate)
        {
            if (_progress.State is ShardRunState.Running or ShardRunState.Done) return Task.FromResult(_progress);
            _progress = new BankShardProgress(ShardRunState.Running);
            StartRun(compute, token => RunAsync(spec, new BankShard(index, start, count), token));
            return Task.FromResult(_progress);
        }
    }

    public Task<BankShardProgress> GetProgressAsync()
    {
        lock (Gate) return Task.FromResult(_progress);
    }

    private async Task RunAsync(BankJobSpec spec, BankShard shard, CancellationToken cancellationToken)
    {
        BankShardProgress result;
        try
        {
            roots.Require(spec);
            roots.RequireDataFiles(spec.Data);
            var sha = await cache.Get(spec).UseAsync(entry =>
            {
                var bank = BankBuilder.BuildShard(entry.Data, shard, entry.Keys, entry.Values, cancellationToken: cancellationToken);
                return LocalBankJob.Write(stores.Open(spec.Destination), LocalBankJob.ShardBlob(shard.Index), bank, cancellationToken);
            }, cancellationToken);
            result = new BankShardProgress(ShardRunState.Done, sha);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Bank shard {Shard} cancelled", this.GetPrimaryKeyString());
            result = new BankShardProgress(ShardRunState.Cancelled, Error: "cancelled");
        }
        catch (Exception e)
        {
            // Classified as a map shard's failure is (ShardGrain): its silo's own first, then deterministic.
            bool siloDependent = SiloDependentFailures.DependsOnSilo(e);
            bool permanent = !siloDependent && DeterministicFailures.IsDeterministic(e);
            logger.LogWarning(e, "Bank shard {Shard} failed on {Silo}", this.GetPrimaryKeyString(), silo.SiloAddress);
            result = new BankShardProgress(ShardRunState.Failed, Error: $"{e.GetType().Name} on silo {silo.SiloAddress}: {e.Message}",
                Permanent: permanent, SiloDependent: siloDependent, Silo: silo.SiloAddress.ToString());
        }
        lock (Gate) _progress = result;
    }
}
