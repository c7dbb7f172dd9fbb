using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Jobs;

namespace RangeOrleans.Grains.Registry;

/// <summary>
/// The list of jobs, in durable state (see <see cref="IJobRegistryGrain"/>). A timer, kept alive with the registry (every
/// silo's resumer activates it at start-up), retires finished jobs older than <see cref="CoordinatorOptions.JobRetention"/>
/// (<see cref="JobRetirement"/>), so that Redis holds the state of running and recent jobs only.
/// </summary>
public sealed class JobRegistryGrain(
    [PersistentState("jobs", RangeStorage.Name)] IPersistentState<JobRegistryState> state,
    IOptions<CoordinatorOptions> options,
    ILogger<JobRegistryGrain> logger)
    : Grain, IJobRegistryGrain
{
    // Retirements per pass: a pass holds the registry's turn (submits wait), so a large backlog is retired over several passes.
    private const int RetiredPerPass = 500;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var retention = options.Value.JobRetention;
        // Checked a few times per retention period (a job is retired at most a quarter period late), at most hourly.
        var every = TimeSpan.FromTicks(Math.Clamp(retention.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromHours(1).Ticks));
        this.RegisterGrainTimer(_ => RetireFinishedAsync(retention, RetiredPerPass), new GrainTimerCreationOptions(every, every) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public async Task RegisterAsync(JobSummary job)
    {
        // One grain decides, one call at a time: of two jobs of different kinds submitted under one id, the second is refused.
        if (state.State.Jobs.TryGetValue(job.JobId, out var existing) && existing.Kind != job.Kind)
            throw new ArgumentException($"job id '{job.JobId}' is already taken by a {existing.Kind.ToString().ToLowerInvariant()} job; choose another job id");
        // Of two jobs submitted onto one DEST at once, the second is refused here: they would write the same files.
        if (state.State.Jobs.Values.FirstOrDefault(j => j.JobId != job.JobId && j.State is JobState.Preparing or JobState.Running
                && SameDestination(j.Destination, job.Destination)) is { } writing)
            throw new ArgumentException($"{job.Destination} is being written by {writing.Kind.ToString().ToLowerInvariant()} job '{writing.JobId}' " +
                $"({writing.State.ToString().ToLowerInvariant()}); wait for it to end (range status {writing.JobId}) or cancel it, or give another --output");
        state.State.Jobs[job.JobId] = job;
        await state.WriteStateAsync();
    }

    private static bool SameDestination(string a, string b) =>
        string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.Ordinal);

    public async Task UpdateAsync(string jobId, JobState jobState)
    {
        if (!state.State.Jobs.TryGetValue(jobId, out var job) || job.State == jobState) return;
        bool finished = jobState is JobState.Completed or JobState.Failed or JobState.Cancelled;
        state.State.Jobs[jobId] = job with { State = jobState, FinishedAt = finished ? DateTimeOffset.UtcNow : null };
        await state.WriteStateAsync();
    }

    public Task<JobSummary[]> ListAsync() =>
        Task.FromResult(state.State.Jobs.Values.OrderBy(j => j.SubmittedAt).ToArray());

    public Task<JobSummary?> FindAsync(string jobId) => Task.FromResult(state.State.Jobs.GetValueOrDefault(jobId));

    public Task<JobSummary[]> UnfinishedAsync() =>
        Task.FromResult(state.State.Jobs.Values.Where(j => j.State is JobState.Preparing or JobState.Running).ToArray());

    public async Task<JobSummary[]> PruneAsync(TimeSpan olderThan)
    {
        if (olderThan < TimeSpan.Zero) throw new ArgumentException($"--older-than {olderThan}: give an age of 0 or more");
        return await RetireFinishedAsync(olderThan, int.MaxValue);
    }

    private async Task<JobSummary[]> RetireFinishedAsync(TimeSpan olderThan, int atMost)
    {
        var due = JobRetirement.Due(state.State.Jobs.Values, DateTimeOffset.UtcNow - olderThan).Take(atMost).ToArray();
        if (due.Length == 0) return [];
        var retired = await JobRetirement.RetireAsync(GrainFactory, due, logger);
        if (retired.Count == 0) return [];
        foreach (var job in retired) state.State.Jobs.Remove(job.JobId);
        await state.WriteStateAsync();
        logger.LogInformation("Retired {Count} finished job(s) older than {Age}: their state is deleted", retired.Count, olderThan);
        return [.. retired];
    }
}
