using Orleans.Concurrency;

namespace RangeOrleans.Abstractions;

/// <summary>
/// The coordinator of one bank construction job (key: job id): plans the shards, dispatches them to
/// <see cref="IBankShardGrain"/>s spread over the silos, records each finished shard's SHA-256 in its
/// durable state, and merges the shards into bank.arrow when all are recorded.
/// </summary>
public interface IBankJobGrain : IRetirableJobGrain
{
    /// <summary>Starts the job (the same spec again is a no-op; a different one under the same id, or an id another kind of job has, is refused).</summary>
    Task<BankJobStatus> SubmitAsync(BankJobSpec spec);

    [AlwaysInterleave] // a read of memory: answered between the job's own awaits (its tick polling slow silos, a state write)
    Task<BankJobStatus> GetStatusAsync();

    /// <summary>
    /// Stops dispatching and stops the running shards; unfinished shard uploads are discarded. Finished shard files and
    /// shards.sha256 stay; no bank.arrow is written. A job that has ended is left as it is.
    /// </summary>
    Task<BankJobStatus> CancelAsync();

    /// <summary>Continues an unfinished job (or a cancelled job's cleanup) after a restart. Harmless on a running or final job.</summary>
    Task<BankJobStatus> ResumeAsync();

    /// <summary>
    /// A shard of this job finished or failed, with its progress: recorded at once and its slot refilled within
    /// milliseconds. A report may be lost; polling stays the source of truth.
    /// </summary>
    [OneWay]
    [ClusterInternal] // only its shards report; a forged report would merge files that do not exist
    Task ShardChangedAsync(string tileId, ShardProgress progress);
}
