using Orleans.Concurrency;

namespace RangeOrleans.Abstractions;

/// <summary>
/// One mapping job (key: the job id). Holds the spec and the shard table in durable state, hands shards
/// to <see cref="IShardGrain"/>s across the cluster with a bounded number in flight per silo, retries
/// shards whose silo died, and writes DEST/manifest.json last.
/// </summary>
public interface IJobCoordinatorGrain : IRetirableJobGrain
{
    /// <summary>Starts the job; submitting the same spec again under the same id is a no-op, a different spec is refused.</summary>
    Task<JobStatus> SubmitAsync(JobSpec spec);

    [AlwaysInterleave] // a read of memory: answered between the job's own awaits (its tick polling slow silos, a state write)
    Task<JobStatus> GetStatusAsync();

    /// <summary>The shard table: every shard's status, attempts and (when done) rows and SHA-256.</summary>
    [AlwaysInterleave] // a read of memory: answered between the job's own awaits (its tick polling slow silos, a state write)
    Task<ShardSummary[]> GetShardsAsync();

    /// <summary>Stops dispatching and cancels running shards. Finished shard files stay; no manifest is written.</summary>
    Task<JobStatus> CancelAsync();

    /// <summary>Continues an unfinished job after a restart (finished shards are kept). Harmless on a running or final job.</summary>
    Task<JobStatus> ResumeAsync();

    /// <summary>
    /// A shard of this job finished or failed, with its progress: recorded at once and its slot refilled within
    /// milliseconds. A report may be lost; polling stays the source of truth.
    /// </summary>
    [Orleans.Concurrency.OneWay]
    [ClusterInternal] // only its shards report; a forged report would complete a job with files that do not exist
    Task ShardChangedAsync(string tileId, ShardProgress progress);
}
