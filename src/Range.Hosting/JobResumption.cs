using Microsoft.Extensions.Logging;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Hosting;

/// <summary>
/// One silo's resumption of the unfinished jobs, job by job: each is resumed on its own (at once, side by side), so one
/// that fails (its state unreadable, a bug in its grain) neither stops the others nor hides: it is logged at Warning
/// with its id and tried again after a backoff that doubles with each failure in a row, up to <c>maxBackoff</c>.
/// </summary>
public sealed class JobResumption(ILogger logger, TimeSpan firstBackoff, TimeSpan maxBackoff)
{
    private readonly Dictionary<string, (int Failures, DateTime NextTry)> _failing = [];

    /// <summary>Resumes every job of <paramref name="unfinished"/> whose backoff has passed at <paramref name="now"/>.</summary>
    public async Task ResumeAsync(IReadOnlyList<JobSummary> unfinished, Func<JobSummary, Task> resume, DateTime now)
    {
        List<JobSummary> due;
        lock (_failing)
        {
            // A job that ended (or was forgotten) starts afresh should it come back.
            foreach (var id in _failing.Keys.Except(unfinished.Select(j => j.JobId)).ToList()) _failing.Remove(id);
            due = unfinished.Where(j => !_failing.TryGetValue(j.JobId, out var failing) || failing.NextTry <= now).ToList();
        }
        await Task.WhenAll(due.Select(job => ResumeOneAsync(job, resume, now)));
    }

    /// <summary>How long a job waits after its <paramref name="failures"/>-th failure in a row.</summary>
    public TimeSpan Backoff(int failures) =>
        TimeSpan.FromTicks(Math.Min(maxBackoff.Ticks, firstBackoff.Ticks * (1L << Math.Min(failures - 1, 20))));

    private async Task ResumeOneAsync(JobSummary job, Func<JobSummary, Task> resume, DateTime now)
    {
        try
        {
            await resume(job);
            lock (_failing) _failing.Remove(job.JobId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            int failures;
            lock (_failing)
            {
                failures = (_failing.TryGetValue(job.JobId, out var failing) ? failing.Failures : 0) + 1;
                _failing[job.JobId] = (failures, now + Backoff(failures));
            }
            logger.LogWarning(e, "Resuming {Kind} job {Job} failed ({Failures} time(s) in a row): {Error}; trying it again in {Backoff}",
                job.Kind.ToString().ToLowerInvariant(), job.JobId, failures, e.Message, Backoff(failures));
        }
    }
}
