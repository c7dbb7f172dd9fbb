using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Storage;

namespace RangeOrleans.Grains.Registry;

/// <summary>
/// The list of jobs, in durable state (see <see cref="IJobRegistryGrain"/>), kept in <see cref="PageCount"/> pages by a
/// hash of the job id, so a change rewrites one page (a few jobs), not every job of the retention period. A timer, kept
/// alive with the registry (every silo's resumer activates it at start-up), retires finished jobs older than
/// <see cref="CoordinatorOptions.JobRetention"/> (<see cref="JobRetirement"/>), so that Redis holds the state of running
/// and recent jobs only.
/// </summary>
public sealed class JobRegistryGrain(
    [PersistentState("jobs", RangeStorage.Name)] IPersistentState<JobRegistryState> unpaged,
    IOptions<CoordinatorOptions> options,
    ILogger<JobRegistryGrain> logger)
    : Grain, IJobRegistryGrain
{
    // Retirements per pass: a pass holds the registry's turn (submits wait), so a large backlog is retired over several passes.
    private const int RetiredPerPass = 500;

    /// <summary>Pages of the registry: 10,000 jobs in the retention period make pages of about 80 jobs (20 KB).</summary>
    public const int PageCount = 128;

    private readonly Dictionary<string, JobSummary>[] _pages = Enumerable.Range(0, PageCount).Select(_ => new Dictionary<string, JobSummary>()).ToArray();
    private GrainStatePages<JobRegistryPage> _store = null!;

    private IEnumerable<JobSummary> Jobs => _pages.SelectMany(page => page.Values);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _store = new GrainStatePages<JobRegistryPage>(ServiceProvider.GetRequiredKeyedService<IGrainStorage>(RangeStorage.Name), this.GetGrainId(), "registry");
        var stored = await _store.ReadAsync(PageCount);
        for (int page = 0; page < PageCount; page++)
        {
            if (stored[page] is { } jobs) foreach (var (id, job) in jobs.Jobs) _pages[page][id] = job;
        }
        if (unpaged.State.Jobs.Count > 0)
        {
            // A registry written before pages: its jobs move into pages, then the old state goes.
            foreach (var (id, job) in unpaged.State.Jobs) _pages[PageOf(id)].TryAdd(id, job);
            await SaveAsync(unpaged.State.Jobs.Keys.Select(PageOf));
            await unpaged.ClearStateAsync();
        }

        var retention = options.Value.JobRetention;
        // Checked a few times per retention period (a job is retired at most a quarter period late), at most hourly.
        var every = TimeSpan.FromTicks(Math.Clamp(retention.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromHours(1).Ticks));
        this.RegisterGrainTimer(_ => RetireFinishedAsync(retention, RetiredPerPass), new GrainTimerCreationOptions(every, every) { KeepAlive = true });
    }

    /// <summary>The page of a job id: FNV-1a of its UTF-16 code units (string.GetHashCode differs between processes).</summary>
    public static int PageOf(string jobId)
    {
        uint hash = 2166136261;
        foreach (char c in jobId) hash = (hash ^ c) * 16777619;
        return (int)(hash % PageCount);
    }

    /// <summary>Writes the given pages; a page left without jobs is deleted from the store.</summary>
    private async Task SaveAsync(IEnumerable<int> pages)
    {
        var touched = pages.Distinct().ToList();
        await _store.WriteAsync(touched.Where(page => _pages[page].Count > 0).Select(page => (page, new JobRegistryPage { Jobs = new(_pages[page]) })).ToList());
        await _store.ClearAsync(touched.Where(page => _pages[page].Count == 0).ToList());
    }

    public async Task RegisterAsync(JobSummary job)
    {
        // One grain decides, one call at a time: of two jobs of different kinds submitted under one id, the second is refused.
        var page = _pages[PageOf(job.JobId)];
        if (page.TryGetValue(job.JobId, out var existing) && existing.Kind != job.Kind)
            throw new ArgumentException($"job id '{job.JobId}' is already taken by a {existing.Kind.ToString().ToLowerInvariant()} job; choose another job id");
        // Of two jobs submitted onto one DEST at once, the second is refused here: they would write the same files.
        if (Jobs.FirstOrDefault(j => j.JobId != job.JobId && j.State is JobState.Preparing or JobState.Running
                && SameDestination(j.Destination, job.Destination)) is { } writing)
            throw new ArgumentException($"{job.Destination} is being written by {writing.Kind.ToString().ToLowerInvariant()} job '{writing.JobId}' " +
                $"({writing.State.ToString().ToLowerInvariant()}); wait for it to end (range status {writing.JobId}) or cancel it, or give another --output");
        page[job.JobId] = job;
        await SaveAsync([PageOf(job.JobId)]);
    }

    private static bool SameDestination(string a, string b) =>
        string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.Ordinal);

    public async Task UpdateAsync(string jobId, JobState jobState)
    {
        var page = _pages[PageOf(jobId)];
        if (!page.TryGetValue(jobId, out var job) || job.State == jobState) return;
        bool finished = jobState is JobState.Completed or JobState.Failed or JobState.Cancelled;
        page[jobId] = job with { State = jobState, FinishedAt = finished ? DateTimeOffset.UtcNow : null };
        await SaveAsync([PageOf(jobId)]);
    }

    public Task<JobSummary[]> ListAsync() =>
        Task.FromResult(Jobs.OrderBy(j => j.SubmittedAt).ToArray());

    public Task<JobSummary?> FindAsync(string jobId) => Task.FromResult(_pages[PageOf(jobId)].GetValueOrDefault(jobId));

    public Task<JobSummary[]> UnfinishedAsync() =>
        Task.FromResult(Jobs.Where(j => j.State is JobState.Preparing or JobState.Running).ToArray());

    public async Task<JobSummary[]> PruneAsync(TimeSpan olderThan)
    {
        if (olderThan < TimeSpan.Zero) throw new ArgumentException($"--older-than {olderThan}: give an age of 0 or more");
        return await RetireFinishedAsync(olderThan, int.MaxValue);
    }

    private async Task<JobSummary[]> RetireFinishedAsync(TimeSpan olderThan, int atMost)
    {
        var due = JobRetirement.Due(Jobs, DateTimeOffset.UtcNow - olderThan).Take(atMost).ToArray();
        if (due.Length == 0) return [];
        var retired = await JobRetirement.RetireAsync(GrainFactory, due, logger);
        if (retired.Count == 0) return [];
        foreach (var job in retired) _pages[PageOf(job.JobId)].Remove(job.JobId);
        await SaveAsync(retired.Select(job => PageOf(job.JobId)));
        logger.LogInformation("Retired {Count} finished job(s) older than {Age}: their state is deleted", retired.Count, olderThan);
        return [.. retired];
    }
}
