namespace RangeOrleans.Abstractions;

/// <summary>
/// The cluster's list of jobs (a single grain, key <see cref="Key"/>), in durable state: what
/// <c>range jobs</c> lists and what silos resume at start-up.
/// </summary>
public interface IJobRegistryGrain : IGrainWithStringKey
{
    public const string Key = "jobs";

    Task RegisterAsync(JobSummary job);

    /// <summary>Records a job's latest state (final states stop it from being resumed).</summary>
    Task UpdateAsync(string jobId, JobState state);

    Task<JobSummary[]> ListAsync();

    /// <summary>Jobs in Preparing or Running state.</summary>
    Task<string[]> UnfinishedAsync();
}
