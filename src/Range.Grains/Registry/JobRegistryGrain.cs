using Orleans.Runtime;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Grains.Registry;

/// <summary>The list of jobs, in durable state (see <see cref="IJobRegistryGrain"/>).</summary>
public sealed class JobRegistryGrain([PersistentState("jobs", RangeStorage.Name)] IPersistentState<JobRegistryState> state)
    : Grain, IJobRegistryGrain
{
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
        state.State.Jobs[jobId] = job with { State = jobState };
        await state.WriteStateAsync();
    }

    public Task<JobSummary[]> ListAsync() =>
        Task.FromResult(state.State.Jobs.Values.OrderBy(j => j.SubmittedAt).ToArray());

    public Task<JobSummary?> FindAsync(string jobId) => Task.FromResult(state.State.Jobs.GetValueOrDefault(jobId));

    public Task<JobSummary[]> UnfinishedAsync() =>
        Task.FromResult(state.State.Jobs.Values.Where(j => j.State is JobState.Preparing or JobState.Running).ToArray());
}
