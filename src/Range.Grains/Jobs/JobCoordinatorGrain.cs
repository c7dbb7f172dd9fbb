using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Storage;
using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Storage;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// One job. A grain timer (kept alive while the job runs) drives it: prepare the shard table off the scheduler
/// (<c>.Preparation</c>), then every tick poll the running shards not heard from lately and apply what they report
/// (<c>.Polling</c>; shards also report when they end, which refills their slot within milliseconds), start pending
/// shards up to (active silos x <see cref="CoordinatorOptions.ShardsInFlightPerSilo"/>) (<c>.Dispatch</c>), persist
/// what changed, and write the manifest when every shard is done (<c>.Completion</c>). The shard table is kept in
/// pages beside the job's state (<c>.Persistence</c>): a write costs the rows that changed, not the whole table.
/// After a restart of the whole cluster, <see cref="ResumeAsync"/> (called by every silo at start-up)
/// picks the job up again: done shards whose files still match their recorded SHA-256 stay done (a
/// damaged or missing file is recomputed, <c>.Verification</c>, checked in the background while pending shards are
/// dispatched), shards that were running are started again.
/// Cancel stops dispatch at once; then, on the timer (<see cref="DurableJobGrain{TState}"/>), the running shards
/// are stopped (one that finished meanwhile is recorded as done), what unfinished attempts left (partial files,
/// staged Azure blocks) and the _work/ scratch blobs are deleted, retried while storage is unreachable
/// (<c>.Cleanup</c>). Finished shard files stay in DEST; no manifest is written.
/// </summary>
public sealed partial class JobCoordinatorGrain(
    [PersistentState("job", RangeStorage.Name)] IPersistentState<JobCoordinatorState> state,
    IBlobStoreFactory stores,
    AllowedRoots roots,
    IOptions<CoordinatorOptions> options,
    TransientFailures transientFailures,
    ILogger<JobCoordinatorGrain> logger)
    : DurableJobGrain<JobCoordinatorState>(state, options.Value, transientFailures, logger), IJobCoordinatorGrain
{
    private readonly Dictionary<string, long> _rowsInProgress = [];

    protected override string Kind => "Job";

    protected override JobKind JobKind => JobKind.Map;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _tableStore = new ShardTableStore(ServiceProvider.GetRequiredKeyedService<IGrainStorage>(RangeStorage.Name), this.GetGrainId());
        await LoadShardTableAsync();
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task<JobStatus> SubmitAsync(JobSpec spec)
    {
        JobPoints.ValidateJobId(JobId);
        JobPoints.Validate(spec);
        roots.Require(spec);
        if (S.Spec is not null)
        {
            if (JsonSerializer.Serialize(S.Spec, ManifestWriter.SpecJson) != JsonSerializer.Serialize(spec, ManifestWriter.SpecJson))
                throw new ArgumentException($"job '{JobId}' already exists with a different spec; choose another job id");
            return Status();
        }
        // Refused here, before anything is stored, so that the client hears why (the planner checks again).
        await CheckOnThisSiloAsync(() => DestinationClaim.CheckAsync(spec, stores.Open(spec.Destination), () => Task.Run(async () =>
            (await ArtifactLocation.Sha256Async(spec.Model.Checkpoint, stores, CancellationToken.None),
             spec.Model.Bank is null ? null : await ArtifactLocation.Sha256Async(spec.Model.Bank, stores, CancellationToken.None))), CancellationToken.None));
        var submittedAt = DateTimeOffset.UtcNow;
        await BeginAsync(spec.Destination, submittedAt, JobState.Preparing, () => (S.Spec, S.SubmittedAt) = (spec, submittedAt));
        logger.LogInformation("Job {Job} submitted: {Points} to {Destination}", JobId, spec.Points.Kind, spec.Destination);
        return Status();
    }

    public Task<JobStatus> GetStatusAsync() => Task.FromResult(Status());

    public Task<ShardSummary[]> GetShardsAsync() => Task.FromResult(_table.Rows.Select(s => new ShardSummary
    {
        TileId = s.TileId,
        Status = s.Status.ToString().ToLowerInvariant(),
        Attempts = s.Attempts,
        ExpectedRows = s.ExpectedRows,
        Rows = s.Rows,
        Sha256 = s.Sha256,
    }).ToArray());

    public Task<JobStatus> ResumeAsync()
    {
        Resume();
        return Task.FromResult(Status());
    }

    public async Task<JobStatus> CancelAsync()
    {
        // Once every shard is done and the manifest is being written, the job completes.
        if (HasWorkLeft && _finishing is null)
        {
            S.CompletedAt = DateTimeOffset.UtcNow;
            await CancelJobAsync();
        }
        return Status();
    }

    protected override bool HasWorkLeft => S.State is JobState.Preparing or JobState.Running;

    // After a failure that depends on the silo, a fresh grain id: re-activating the same id after DeactivateOnIdle
    // landed on the same silo every time (measured, 32 in a row), a new id is placed at random again.
    private IShardGrain Shard(ShardRecord shard) =>
        GrainFactory.GetGrain<IShardGrain>(shard.SiloFailures == 0 ? $"{JobId}/{shard.TileId}" : $"{JobId}/{shard.TileId}#{shard.SiloFailures}");

    protected override Task AdvanceAsync() => S.State == JobState.Preparing ? AdvancePreparationAsync() : AdvanceShardsAsync();

    /// <summary>One tick of a running job.</summary>
    private async Task AdvanceShardsAsync()
    {
        bool verified = await VerifyDoneShardsAsync(); // in the background: dispatch goes on meanwhile
        if (await AdvanceCompletionAsync()) return;
        await PollDueShardsAsync();
        if (S.State != JobState.Running) return;
        if (_table.AllDone)
        {
            if (verified) await StartCompletionAsync(); // the manifest lists only files checked in this activation
            return;
        }
        await DispatchAsync();
        if (S.State != JobState.Running) return;
        if (HasUnsavedChanges) await SaveAsync();
    }

    protected override Task OnFailingAsync()
    {
        S.CompletedAt = DateTimeOffset.UtcNow;
        return Task.CompletedTask;
    }

    /// <summary>
    /// What a job leaves behind besides its output: every unfinished upload under shards/ (found by listing, so an
    /// earlier run's forgotten attempt goes too) and every _work/ blob. Only once no shard of the job runs.
    /// </summary>
    private static async Task RemoveTemporaryBlobsAsync(IBlobStore destination)
    {
        await destination.DiscardUnfinishedUnderAsync(Core.Jobs.JobManifest.ShardFolder);
        await destination.DeleteUnderAsync(JobPaths.WorkPrefix);
    }

    private long DonePoints() => _table.DonePoints + _rowsInProgress.Values.Sum();

    private JobStatus Status()
    {
        long done = DonePoints();
        double rate = 0;
        // Up to the job's end once it has ended (completed, failed or cancelled), so the rate stays as it was.
        var until = S.State is JobState.Completed or JobState.Failed or JobState.Cancelled && S.CompletedAt is { } ended ? ended : DateTimeOffset.UtcNow;
        if (S.RateStartedAt is { } started && (until - started).TotalSeconds > 0.5)
            rate = (done - S.RateStartPoints) / (until - started).TotalSeconds;
        return new JobStatus
        {
            JobId = JobId,
            State = S.Spec is null ? JobState.Unknown : S.State,
            Destination = S.Spec?.Destination ?? "",
            TotalShards = _table.Count,
            DoneShards = _table.DoneShards,
            RunningShards = _table.RunningCount,
            SkippedShards = _table.SkippedShards,
            TotalPoints = _table.TotalPoints,
            DonePoints = done,
            Retries = S.Retries,
            SubmittedAt = S.SubmittedAt,
            CompletedAt = S.CompletedAt,
            PointsPerSecond = rate,
            Error = S.Error,
            CleaningUp = S.CleanupPending,
        };
    }
}
