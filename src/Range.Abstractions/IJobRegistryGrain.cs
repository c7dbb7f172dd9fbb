using Orleans.Concurrency;

namespace RangeOrleans.Abstractions;

/// <summary>
/// The cluster's list of jobs of every kind (a single grain, key <see cref="Key"/>), in durable state: what
/// <c>range jobs</c> lists, where <c>range status</c> and <c>range cancel</c> look up a job's kind, and what silos
/// resume at start-up. Job ids are one namespace across kinds.
/// </summary>
public interface IJobRegistryGrain : IGrainWithStringKey
{
    public const string Key = "jobs";

    /// <summary>Records a new job; <see cref="ArgumentException"/> when its id is already another kind's job.</summary>
    [ClusterInternal] // job grains register themselves after their checks
    Task RegisterAsync(JobSummary job);

    /// <summary>Records a job's latest state (final states stop it from being resumed).</summary>
    [ClusterInternal] // job grains report their own state
    Task UpdateAsync(string jobId, JobState state);

    [AlwaysInterleave] // a read of memory: answered between the job's own awaits (its tick polling slow silos, a state write)
    Task<JobSummary[]> ListAsync();

    /// <summary>The job registered under <paramref name="jobId"/>, or null.</summary>
    [AlwaysInterleave] // a read of memory: answered between the job's own awaits (its tick polling slow silos, a state write)
    Task<JobSummary?> FindAsync(string jobId);

    /// <summary>
    /// Retires now the finished jobs (completed, failed, cancelled) that ended at least <paramref name="olderThan"/> ago:
    /// their grain state is deleted and they are no longer listed (output in DEST stays); answers those retired. Never
    /// touches a job that runs. Silos do the same on their own after their job retention (<c>range silo --job-retention</c>).
    /// </summary>
    Task<JobSummary[]> PruneAsync(TimeSpan olderThan);

    /// <summary>Jobs in Preparing or Running state (a cancelled job stays Running here until its cleanup is done).</summary>
    Task<JobSummary[]> UnfinishedAsync();
}
