using RangeOrleans.Abstractions;

namespace RangeOrleans.Hosting;

/// <summary>
/// A job as GET /v1/jobs/{id} and its events show it: what the registry records, and its kind's own status
/// (<see cref="JobStatus"/>, <see cref="BankJobStatus"/> or <see cref="PretrainJobStatus"/>). The one place that reaches
/// a job's grain by its kind to read or cancel it: <c>range status</c> and <c>range cancel</c>, <c>DELETE /v1/jobs/{id}</c>
/// and the dashboard's Cancel button all go through it, so they cannot drift apart.
/// </summary>
public sealed record JobView(string JobId, JobKind Kind, JobState State, string Destination, DateTimeOffset SubmittedAt, bool CleaningUp, object Status)
{
    public bool IsFinal => State is JobState.Completed or JobState.Failed or JobState.Cancelled;

    /// <summary>The job's status read through its kind's grain.</summary>
    public static async Task<JobView> ReadAsync(IGrainFactory grains, JobSummary job) => job.Kind switch
    {
        JobKind.Bank => Of(job, await grains.GetGrain<IBankJobGrain>(job.JobId).GetStatusAsync()),
        JobKind.Pretrain => Of(job, await grains.GetGrain<IPretrainJobGrain>(job.JobId).GetStatusAsync()),
        _ => Of(job, await grains.GetGrain<IJobCoordinatorGrain>(job.JobId).GetStatusAsync()),
    };

    /// <summary>Cancels the job (a finished one stays as it is) and returns its status.</summary>
    public static async Task<JobView> CancelAsync(IGrainFactory grains, JobSummary job) => job.Kind switch
    {
        JobKind.Bank => Of(job, await grains.GetGrain<IBankJobGrain>(job.JobId).CancelAsync()),
        JobKind.Pretrain => Of(job, await grains.GetGrain<IPretrainJobGrain>(job.JobId).CancelAsync()),
        _ => Of(job, await grains.GetGrain<IJobCoordinatorGrain>(job.JobId).CancelAsync()),
    };

    public static JobView Of(JobSummary job, JobStatus s) => new(job.JobId, job.Kind, s.State, job.Destination, job.SubmittedAt, s.CleaningUp, s);

    public static JobView Of(JobSummary job, BankJobStatus s) => new(job.JobId, job.Kind, s.State, job.Destination, job.SubmittedAt, s.CleaningUp, s);

    public static JobView Of(JobSummary job, PretrainJobStatus s) => new(job.JobId, job.Kind, s.State, job.Destination, job.SubmittedAt, s.CleaningUp, s);
}
