using Microsoft.Extensions.Logging;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Grains.Registry;

/// <summary>
/// Retires finished jobs: asks each job's grain to delete its state (<see cref="IRetirableJobGrain"/>), a few at once,
/// and answers those whose state is gone. A job whose grain fails (storage unreachable) stays listed and is retired by a later pass.
/// </summary>
internal static class JobRetirement
{
    private const int Parallel = 16;

    /// <summary>Finished jobs whose end (or, for entries stored before ends were recorded, submission) is at or before <paramref name="cutoff"/>, oldest first.</summary>
    public static JobSummary[] Due(IEnumerable<JobSummary> jobs, DateTimeOffset cutoff) =>
        jobs.Where(j => j.State is JobState.Completed or JobState.Failed or JobState.Cancelled && (j.FinishedAt ?? j.SubmittedAt) <= cutoff)
            .OrderBy(j => j.FinishedAt ?? j.SubmittedAt).ToArray();

    public static async Task<List<JobSummary>> RetireAsync(IGrainFactory grains, IReadOnlyList<JobSummary> jobs, ILogger logger)
    {
        var retired = new List<JobSummary>();
        for (int start = 0; start < jobs.Count; start += Parallel)
        {
            var batch = jobs.Skip(start).Take(Parallel).ToArray();
            var done = await Task.WhenAll(batch.Select(async job =>
            {
                try
                {
                    await Grain(grains, job).RetireAsync();
                    return true;
                }
                catch (Exception e)
                {
                    logger.LogWarning("Job {Job}: retiring it failed ({Error}); a later pass tries again", job.JobId, e.Message);
                    return false;
                }
            }));
            retired.AddRange(batch.Where((_, i) => done[i]));
        }
        return retired;
    }

    private static IRetirableJobGrain Grain(IGrainFactory grains, JobSummary job) => job.Kind switch
    {
        JobKind.Bank => grains.GetGrain<IBankJobGrain>(job.JobId),
        JobKind.Pretrain => grains.GetGrain<IPretrainJobGrain>(job.JobId),
        _ => grains.GetGrain<IJobCoordinatorGrain>(job.JobId),
    };
}
