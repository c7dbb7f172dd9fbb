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
/// died reports Idle and the job starts it again; it reports to the job when it ends; a committed shard blob is never partial). Cancel, or
/// deactivation, stops the build between batches (or its upload), so nothing is committed. Its spec's locations (and
/// an s2: dataset's every tile) are checked against this silo's roots before any is opened.
/// </summary>
[RandomPlacement]
public sealed class BankShardGrain(BankEncoderCache cache, IBlobStoreFactory stores, ComputeThreads compute, AllowedRoots roots, ILocalSiloDetails silo,
    ILogger<BankShardGrain> logger)
    : ShardRunGrain, IBankShardGrain
{
    private ShardProgress _progress = new() { State = ShardRunState.Idle };

    public Task<ShardProgress> StartAsync(BankJobSpec spec, int index, int start, int count, int attempt)
    {
        lock (Gate)
        {
            if (_progress.State is ShardRunState.Running or ShardRunState.Done) return Task.FromResult(_progress);
            _progress = new ShardProgress { State = ShardRunState.Running, Attempt = attempt, Silo = silo.SiloAddress.ToString() };
            var job = GrainFactory.GetGrain<IBankJobGrain>(this.GetPrimaryKeyString().Split('/')[0]);
            StartRun(compute, token => RunAsync(job, spec, new BankShard(index, start, count), attempt, token));
            return Task.FromResult(_progress);
        }
    }

    public Task<ShardProgress> GetProgressAsync()
    {
        lock (Gate) return Task.FromResult(_progress);
    }

    private async Task RunAsync(IBankJobGrain job, BankJobSpec spec, BankShard shard, int attempt, CancellationToken cancellationToken)
    {
        var result = new ShardProgress { State = ShardRunState.Failed, Attempt = attempt, Silo = silo.SiloAddress.ToString() };
        try
        {
            roots.Require(spec);
            roots.RequireDataFiles(spec.Data);
            var blob = LocalBankJob.ShardBlob(shard.Index);
            var sha = await cache.Get(spec).UseAsync(entry =>
            {
                var bank = BankBuilder.BuildShard(entry.Data, shard, entry.Keys, entry.Values, cancellationToken: cancellationToken);
                return LocalBankJob.Write(stores.Open(spec.Destination), blob, bank, cancellationToken);
            }, cancellationToken);
            result = result with { State = ShardRunState.Done, RowsDone = shard.Count, Result = new ShardResult { Blob = blob, Rows = shard.Count, Sha256 = sha } };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Bank shard {Shard} cancelled", this.GetPrimaryKeyString());
            result = result with { State = ShardRunState.Cancelled, Error = "cancelled" };
        }
        catch (Exception e)
        {
            // Classified as a map shard's failure is (ShardGrain): its silo's own first, then deterministic.
            bool siloDependent = SiloDependentFailures.DependsOnSilo(e);
            logger.LogWarning(e, "Bank shard {Shard} failed on {Silo}", this.GetPrimaryKeyString(), silo.SiloAddress);
            result = result with
            {
                Error = $"{e.GetType().Name} on silo {silo.SiloAddress}: {e.Message}",
                Permanent = !siloDependent && DeterministicFailures.IsDeterministic(e), SiloDependent = siloDependent,
            };
        }
        lock (Gate) _progress = result;
        job.ShardChangedAsync(shard.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), result).Ignore();
    }
}
