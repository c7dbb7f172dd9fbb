using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Storage;
using RangeOrleans.Grains.Jobs;

namespace RangeOrleans.Grains.Maps;

/// <summary>
/// One map job on the <see cref="ShardedJobGrain{TState}"/> engine: its shards are the tiles <see cref="JobPlanner"/>
/// lists (their points written to _work/ for point files), each computed by an <see cref="IShardGrain"/> into
/// shards/TILE.arrow; it finishes with DEST/manifest.json (<see cref="ManifestWriter"/>), after which the shards'
/// receipts and the _work/ blobs are removed. Cancelled or failed: unfinished uploads and _work/ go, finished shard
/// files stay; no manifest is written.
/// </summary>
public sealed class JobCoordinatorGrain(
    [PersistentState("job", RangeStorage.Name)] IPersistentState<JobCoordinatorState> state,
    IBlobStoreFactory stores,
    AllowedRoots roots,
    IOptions<CoordinatorOptions> options,
    TransientFailures transientFailures,
    ILogger<JobCoordinatorGrain> logger)
    : ShardedJobGrain<JobCoordinatorState>(state, stores, options.Value, transientFailures, logger), IJobCoordinatorGrain
{
    protected override string Kind => "Job";

    protected override JobKind JobKind => JobKind.Map;

    protected override string Destination => S.Spec!.Destination;

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
        await CheckOnThisSiloAsync(() => DestinationClaim.CheckAsync(spec, Stores.Open(spec.Destination), () => Task.Run(async () =>
            (await ArtifactLocation.Sha256Async(spec.Model.Checkpoint, Stores, CancellationToken.None),
             spec.Model.Bank is null ? null : await ArtifactLocation.Sha256Async(spec.Model.Bank, Stores, CancellationToken.None))), CancellationToken.None));
        var submittedAt = DateTimeOffset.UtcNow;
        await BeginAsync(spec.Destination, submittedAt, JobState.Preparing, () => (S.Spec, S.SubmittedAt) = (spec, submittedAt));
        Logger.LogInformation("Job {Job} submitted: {Points} to {Destination}", JobId, spec.Points.Kind, spec.Destination);
        return Status();
    }

    public Task<JobStatus> GetStatusAsync() => Task.FromResult(Status());

    public Task<JobStatus> ResumeAsync()
    {
        Resume();
        return Task.FromResult(Status());
    }

    public async Task<JobStatus> CancelAsync()
    {
        if (HasWorkLeft && !Completing)
        {
            S.CompletedAt = DateTimeOffset.UtcNow;
            await CancelJobAsync();
        }
        return Status();
    }

    protected override Func<Task<ShardPlan>> Planning()
    {
        var (jobId, spec) = (JobId, S.Spec!);
        return async () =>
        {
            var plan = await JobPlanner.PlanAsync(jobId, spec, Stores, roots, CancellationToken.None);
            return new ShardPlan(plan.Shards, () =>
            {
                S.ModelSha256 = plan.ModelSha256;
                S.BankSha256 = plan.BankSha256;
                if (plan.Dimension is { } dimension) (S.Dimension, S.ModelKind) = (dimension, plan.ModelKind);
            });
        };
    }

    protected override Task StartShardAsync(ShardRecord shard) => Shard(shard).StartAsync(new ShardAssignment
    {
        JobId = JobId,
        TileId = shard.TileId,
        Attempt = shard.Attempts,
        Spec = S.Spec!,
        OutputBlob = shard.OutputBlob,
        PointsBlob = shard.PointsBlob,
        ModelSha256 = S.ModelSha256!,
        BankSha256 = S.BankSha256,
        ExpectedRows = shard.ExpectedRows,
    });

    protected override Task<ShardProgress> ShardProgressAsync(ShardRecord shard) => Shard(shard).GetProgressAsync();

    protected override Task CancelShardAsync(ShardRecord shard) => Shard(shard).CancelAsync();

    private IShardGrain Shard(ShardRecord shard) => GrainFactory.GetGrain<IShardGrain>(ShardKey(shard));

    protected override string ShardBlob(ShardRecord shard) => shard.OutputBlob;

    protected override void OnShardDone(ShardRecord shard, ShardResult result) => (S.Dimension, S.ModelKind) = (result.Dimension, result.ModelKind);

    protected override void OnDispatching()
    {
        if (S.RateStartedAt is not null) return;
        S.RateStartedAt = DateTimeOffset.UtcNow;
        S.RateStartPoints = DonePoints;
    }

    protected override JobCompletion Completion(IBlobStore destination)
    {
        var manifest = ManifestWriter.Build(JobId, S, Table.Rows);
        return new JobCompletion("writing the manifest",
            () => ManifestWriter.WriteAsync(destination, manifest, CancellationToken.None),
            async () =>
            {
                await RemoveTemporaryBlobsAsync(destination);
                await ShardReceipts.RemoveAllAsync(destination, CancellationToken.None); // the manifest lists the shards now
            },
            Options.TransientFailureLimit);
    }

    protected override void OnCompleted() => S.CompletedAt = DateTimeOffset.UtcNow;

    protected override Task OnFailingAsync()
    {
        S.CompletedAt = DateTimeOffset.UtcNow;
        return Task.CompletedTask;
    }

    protected override List<ShardRecord>? TakeLegacyShards()
    {
        var shards = S.Shards;
        S.Shards = [];
        return shards;
    }

    /// <summary>What unfinished attempts left (partial files, staged blocks) and the _work/ blobs.</summary>
    protected override Func<Task> TemporaryDataRemoval()
    {
        var destination = Stores.Open(Destination);
        return () => RemoveTemporaryBlobsAsync(destination);
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

    private JobStatus Status()
    {
        long done = DonePoints;
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
            TotalShards = Table.Count,
            DoneShards = Table.DoneShards,
            RunningShards = Table.RunningCount,
            SkippedShards = Table.SkippedShards,
            TotalPoints = Table.TotalPoints,
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
