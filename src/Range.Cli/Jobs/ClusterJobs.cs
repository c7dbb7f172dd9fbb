using RangeOrleans.Abstractions;
using RangeOrleans.Hosting;

namespace RangeOrleans.Cli.Jobs;

/// <summary>
/// A job of any kind as <c>range jobs</c>, <c>range status</c> and <c>range cancel</c> see it: its kind looked up in
/// the registry, its status read (or its cancel sent) through that kind's grain (<see cref="JobView"/>), and shown in one line.
/// </summary>
public static class ClusterJobs
{
    /// <summary>A job's state, its status line, and whether its cancel is still cleaning up.</summary>
    public sealed record View(JobState State, string Line, bool CleaningUp)
    {
        public bool IsFinal => State is JobState.Completed or JobState.Failed or JobState.Cancelled;
    }

    /// <summary>The registry's record of <paramref name="jobId"/>; ArgumentException when there is none.</summary>
    public static async Task<JobSummary> FindAsync(IClusterClient client, string jobId) =>
        await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).FindAsync(jobId)
        ?? throw NoSuchJob(jobId);

    public static ArgumentException NoSuchJob(string jobId) => new($"no job '{jobId}' in this cluster (see `range jobs`)");

    public static async Task<View> StatusAsync(IClusterClient client, JobSummary job) => Of(await JobView.ReadAsync(client, job));

    /// <summary>Cancels the job (one that has ended stays as it is) and returns its status.</summary>
    public static async Task<View> CancelAsync(IClusterClient client, JobSummary job) => Of(await JobView.CancelAsync(client, job));

    /// <summary>
    /// Follows a job until it ends: a map job with its progress bar, the other kinds with a line each time their status
    /// line changes. Returns the final status.
    /// </summary>
    public static async Task<View> WatchAsync(IClusterClient client, JobSummary job, TextWriter output)
    {
        if (job.Kind == JobKind.Map) return Of(await JobWatcher.WatchAsync(client, job.JobId, CancellationToken.None));
        string? shown = null;
        return await JobWatcher.PollAsync(await StatusAsync(client, job), v => v.IsFinal || v.State == JobState.Unknown, () => StatusAsync(client, job), v =>
        {
            if (v.IsFinal || v.Line == shown) return;
            shown = v.Line;
            output.WriteLine(shown);
        });
    }

    private static View Of(JobStatus s) => new(s.State, JobWatcher.Describe(s), s.CleaningUp);

    // JobView reaches the kind's grain (shared with the HTTP API and the dashboard); the CLI only words its status.
    private static View Of(JobView view) => view.Status switch
    {
        BankJobStatus bank => Of(bank),
        PretrainJobStatus pretrain => Of(pretrain),
        _ => Of((JobStatus)view.Status),
    };

    private static View Of(BankJobStatus s) => new(s.State, JobWatcher.Describe(s), s.CleaningUp);

    private static View Of(PretrainJobStatus s) => new(s.State, JobWatcher.Describe(s), s.CleaningUp);
}
