using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Storage;
using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Storage;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// One job. A grain timer (kept alive while the job runs) drives it: prepare the shard table off the
/// scheduler, then every tick poll the running shards, restart those whose silo died or whose run
/// failed, dispatch pending shards up to (active silos x <see cref="CoordinatorOptions.ShardsInFlightPerSilo"/>),
/// persist the shard table when it changed, and write the manifest when every shard is done.
/// After a restart of the whole cluster, <see cref="ResumeAsync"/> (called by every silo at start-up)
/// picks the job up again: done shards whose files still match their recorded SHA-256 stay done (a
/// damaged or missing file is recomputed), shards that were running are started again.
/// Cancel stops dispatch at once; then, on the timer (<see cref="DurableJobGrain{TState}"/>), the running shards
/// are stopped (one that finished meanwhile is recorded as done), what unfinished attempts left (partial files,
/// staged Azure blocks) and the _work/ scratch blobs are deleted, retried while storage is unreachable. Finished
/// shard files stay in DEST; no manifest is written.
/// </summary>
public sealed class JobCoordinatorGrain(
    [PersistentState("job", RangeStorage.Name)] IPersistentState<JobCoordinatorState> state,
    IBlobStoreFactory stores,
    AllowedRoots roots,
    IOptions<CoordinatorOptions> options,
    TransientFailures transientFailures,
    ILocalSiloDetails silo,
    ILogger<JobCoordinatorGrain> logger)
    : DurableJobGrain<JobCoordinatorState>(state, options.Value, transientFailures, logger), IJobCoordinatorGrain
{
    private readonly Dictionary<string, long> _rowsInProgress = [];
    private Task<JobPlan>? _preparing;
    private Task? _finishing;
    private Task<List<string>>? _verifying;
    private readonly HashSet<string> _stopped = []; // shards seen stopped during this activation's cleanup
    private bool _verified;

    protected override string Kind => "Job";

    protected override JobKind JobKind => JobKind.Map;

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
        try
        {
            await DestinationClaim.CheckAsync(spec, stores.Open(spec.Destination), () => Task.Run(async () =>
                (await ArtifactLocation.Sha256Async(spec.Model.Checkpoint, stores, CancellationToken.None),
                 spec.Model.Bank is null ? null : await ArtifactLocation.Sha256Async(spec.Model.Bank, stores, CancellationToken.None))), CancellationToken.None);
        }
        catch (Exception e) when (SiloDependentFailures.DependsOnSilo(e))
        {
            throw new ArgumentException($"silo {silo.SiloAddress}, which coordinates job '{JobId}': {e.Message}");
        }
        var submittedAt = DateTimeOffset.UtcNow;
        await RegisterAsync(spec.Destination, submittedAt, JobState.Preparing);
        S.Spec = spec;
        S.State = JobState.Preparing;
        S.SubmittedAt = submittedAt;
        await SaveAsync();
        EnsureTimer();
        logger.LogInformation("Job {Job} submitted: {Points} to {Destination}", JobId, spec.Points.Kind, spec.Destination);
        return Status();
    }

    public Task<JobStatus> GetStatusAsync() => Task.FromResult(Status());

    public Task<ShardSummary[]> GetShardsAsync() => Task.FromResult(S.Shards.Select(s => new ShardSummary
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

    public async Task ShardChangedAsync()
    {
        if ((S.State == JobState.Running || S.CleanupPending) && TimerRunning) await TickAsync(CancellationToken.None);
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

    private async Task AdvancePreparationAsync()
    {
        var spec = S.Spec!;
        _preparing ??= Task.Run(() => JobPlanner.PlanAsync(JobId, spec, stores, roots, CancellationToken.None));
        if (!_preparing.IsCompleted) return;
        var preparing = _preparing;
        _preparing = null;
        if (preparing.IsFaulted)
        {
            var error = preparing.Exception!.InnerException!;
            await FailAsync(SiloDependentFailures.DependsOnSilo(error)
                ? $"preparing the job on silo {silo.SiloAddress}: {error.Message}"
                : $"preparing the job: {error.Message}");
            return;
        }
        var plan = preparing.Result;
        S.ModelSha256 = plan.ModelSha256;
        S.BankSha256 = plan.BankSha256;
        S.Shards = plan.Shards;
        S.State = JobState.Running;
        _verified = true; // the planner just hashed the shards it found already produced
        await SaveAsync();
        await Registry.UpdateAsync(JobId, JobState.Running);
        logger.LogInformation("Job {Job}: {Shards} shards, {Points} points ({Skipped} already produced)",
            JobId, S.Shards.Count, S.Shards.Sum(s => s.ExpectedRows), S.Shards.Count(s => s.Skipped));
    }

    private async Task AdvanceShardsAsync()
    {
        if (!await VerifyDoneShardsAsync()) return;
        if (_finishing is not null)
        {
            if (!_finishing.IsCompleted) return;
            var finishing = _finishing;
            _finishing = null;
            if (finishing.IsFaulted) { await FailAsync($"writing the manifest: {finishing.Exception!.InnerException!.Message}"); return; }
            S.State = JobState.Completed;
            S.CompletedAt = DateTimeOffset.UtcNow;
            await SaveAsync();
            await Registry.UpdateAsync(JobId, JobState.Completed);
            StopTimer();
            logger.LogInformation("Job {Job} completed: {Rows} rows in {Shards} shards", JobId, S.Shards.Sum(s => s.Rows), S.Shards.Count);
            return;
        }

        bool changed = false;
        var running = S.Shards.Where(s => s.Status == ShardStatus.Running).ToList();
        var polls = await Task.WhenAll(running.Select(PollAsync));
        foreach (var (shard, progress, failure) in polls)
        {
            if (S.State != JobState.Running) return;
            changed |= await ApplyAsync(shard, progress, failure);
        }
        if (S.State != JobState.Running) return;

        if (S.Shards.All(s => s.Status == ShardStatus.Done))
        {
            if (changed) await SaveAsync();
            var manifest = ManifestWriter.Build(JobId, S);
            var destination = stores.Open(S.Spec!.Destination);
            var retried = S.Shards.Where(s => s.MayHaveLeftPartial).Select(s => s.OutputBlob).ToList();
            _finishing = Task.Run(async () =>
            {
                await ManifestWriter.WriteAsync(destination, manifest, CancellationToken.None);
                await RemoveTemporaryBlobsAsync(destination, retried);
            });
            return;
        }

        int capacity = await ActiveSilosAsync() * Math.Max(1, Options.ShardsInFlightPerSilo);
        int inFlight = S.Shards.Count(s => s.Status == ShardStatus.Running);
        var starting = S.Shards.Where(s => s.Status == ShardStatus.Pending).Take(Math.Max(0, capacity - inFlight)).ToList();
        if (starting.FirstOrDefault(s => s.Attempts - s.SiloFailures >= Options.MaxAttempts) is { } exhausted)
        {
            await FailAsync($"shard {exhausted.TileId} failed {exhausted.Attempts} times");
            return;
        }
        if (starting.Count > 0 && S.RateStartedAt is null)
        {
            S.RateStartedAt = DateTimeOffset.UtcNow;
            S.RateStartPoints = DonePoints();
        }
        foreach (var shard in starting)
        {
            shard.Attempts++;
            shard.Status = ShardStatus.Running;
        }
        if (starting.Count > 0)
        {
            // Recorded before they start: a coordinator that dies in between leaves them "running" (its successor
            // polls them and finds them idle), never started but unrecorded (a cancel would not stop them).
            try { await SaveAsync(); }
            catch
            {
                foreach (var shard in starting)
                {
                    shard.Attempts--;
                    shard.Status = ShardStatus.Pending;
                }
                throw;
            }
            changed = false;
        }
        foreach (var shard in starting)
        {
            try
            {
                await Shard(shard).StartAsync(Assignment(shard)).WaitAsync(Options.PollTimeout);
            }
            catch (Exception e) when (IsTransient(e))
            {
                // Not a run: until membership declares a killed silo dead, starts placed there fail within
                // milliseconds, and counting them would exhaust MaxAttempts in seconds. A start that did reach
                // a live shard grain is harmless to repeat: StartAsync of a running shard returns its progress.
                shard.Attempts--;
                shard.Status = ShardStatus.Pending;
                shard.StartFailed = true;
                S.Retries++;
                changed = true;
                logger.LogWarning("Job {Job}: starting shard {Tile} failed ({Error}); will retry", JobId, shard.TileId, e.Message);
            }
        }
        if (changed) await SaveAsync();
    }

    /// <summary>
    /// A cancelled job: once the planner has finished (it may still be writing _work/), asks every shard that may
    /// still run to stop: those the table shows running, and unfinished ones started before (a run whose poll failed
    /// may live on). True when none runs any more.
    /// </summary>
    protected override async Task<bool> StopRunningAsync()
    {
        if (_preparing is { IsCompleted: false }) return false;
        _preparing = null;
        var running = S.Shards.Where(s => s.Status == ShardStatus.Running || (s.Status == ShardStatus.Pending && (s.Attempts > 0 || s.StartFailed) && !_stopped.Contains(s.TileId))).ToList();
        if (running.Count == 0) return true;
        // A shard whose silo is gone (no answer) runs nowhere any more.
        var stops = await StopEachAsync(running, shard => Shard(shard).CancelAsync(), shard => Shard(shard).GetProgressAsync());
        bool changed = false;
        bool stillRunning = false;
        foreach (var (shard, progress) in stops)
        {
            if (progress is { State: ShardRunState.Running })
            {
                stillRunning = true; // it stops at its next batch
                continue;
            }
            _stopped.Add(shard.TileId);
            logger.LogInformation("Job {Job}: shard {Tile} stopped ({State} on {Silo})", JobId, shard.TileId, progress?.State.ToString() ?? "silo gone", progress?.Silo ?? "-");
            if (shard.Status != ShardStatus.Running) continue; // an earlier run, stopped now
            if (progress is { State: ShardRunState.Done, Result: { } result } && result.Rows == shard.ExpectedRows)
            {
                // Finished before it saw the cancel: its file is complete, keep it listed.
                shard.Status = ShardStatus.Done;
                shard.Rows = result.Rows;
                shard.Sha256 = result.Sha256;
            }
            else shard.Status = ShardStatus.Pending;
            changed = true;
        }
        if (changed) await SaveAsync();
        return !stillRunning;
    }

    /// <summary>What unfinished attempts left (partial files, staged blocks) and the _work/ blobs.</summary>
    protected override Func<Task> TemporaryDataRemoval()
    {
        var unfinished = S.Shards.Where(s => s.Status != ShardStatus.Done && (s.Attempts > 0 || s.StartFailed)).Select(s => s.OutputBlob).ToList();
        var destination = stores.Open(S.Spec!.Destination);
        return () => RemoveTemporaryBlobsAsync(destination, unfinished);
    }

    /// <summary>
    /// Once per activation, before anything else: re-hash the files of shards the table says are done
    /// (off the scheduler) and put the damaged ones back to pending. False while the check runs.
    /// </summary>
    private async Task<bool> VerifyDoneShardsAsync()
    {
        if (_verified) return true;
        if (_verifying is null)
        {
            var done = S.Shards.Where(s => s.Status == ShardStatus.Done).Select(s => (s.TileId, s.OutputBlob, s.Sha256)).ToList();
            if (done.Count == 0) { _verified = true; return true; }
            var destination = stores.Open(S.Spec!.Destination);
            _verifying = Task.Run(() => ShardVerifier.FindDamagedAsync(destination, done, CancellationToken.None));
        }
        if (!_verifying.IsCompleted) return false;
        var verifying = _verifying;
        _verifying = null;
        if (verifying.IsFaulted)
        {
            logger.LogWarning("Job {Job}: checking finished shards failed ({Error}); will try again", JobId, verifying.Exception!.InnerException!.Message);
            return false;
        }
        _verified = true;
        var damaged = verifying.Result.ToHashSet();
        if (damaged.Count == 0) return true;
        foreach (var shard in S.Shards.Where(s => damaged.Contains(s.TileId)))
        {
            shard.Status = ShardStatus.Pending;
            shard.Skipped = false;
            shard.Rows = 0;
            shard.Sha256 = null;
        }
        logger.LogWarning("Job {Job}: {Count} finished shard file(s) missing or not matching their SHA-256 ({Tiles}); recomputing them",
            JobId, damaged.Count, string.Join(", ", damaged.Order(StringComparer.Ordinal).Take(10)));
        await SaveAsync();
        return true;
    }

    private async Task<(ShardRecord Shard, ShardProgress? Progress, Exception? Failure)> PollAsync(ShardRecord shard)
    {
        try { return (shard, await Shard(shard).GetProgressAsync().WaitAsync(Options.PollTimeout), null); }
        catch (Exception e) when (IsTransient(e)) { return (shard, null, e); }
    }

    /// <summary>Applies one poll to the shard table; true when the durable state changed.</summary>
    private async Task<bool> ApplyAsync(ShardRecord shard, ShardProgress? progress, Exception? failure)
    {
        if (progress is { State: ShardRunState.Running })
        {
            _rowsInProgress[shard.TileId] = progress.RowsDone;
            return false;
        }
        _rowsInProgress.Remove(shard.TileId);
        if (progress is { State: ShardRunState.Done, Result: { } result })
        {
            if (result.Rows != shard.ExpectedRows)
            {
                await FailAsync($"shard {shard.TileId} wrote {result.Rows} rows, expected {shard.ExpectedRows}");
                return true;
            }
            shard.Status = ShardStatus.Done;
            shard.Rows = result.Rows;
            shard.Sha256 = result.Sha256;
            S.Dimension = result.Dimension;
            S.ModelKind = result.ModelKind;
            return true;
        }
        if (progress is { State: ShardRunState.Failed, SiloDependent: true, Silo: { } failedOn })
        {
            shard.Status = ShardStatus.Pending;
            shard.SiloFailures++;
            if (!shard.FailedOnSilos.Contains(failedOn)) shard.FailedOnSilos.Add(failedOn);
            var active = await ActiveSiloAddressesAsync();
            if ((active.Count > 0 && active.All(shard.FailedOnSilos.Contains)) || shard.SiloFailures >= 4 * Options.MaxAttempts)
            {
                await FailAsync($"shard {shard.TileId}: no silo could run it (failed on {string.Join(", ", shard.FailedOnSilos)}); last: {progress.Error}");
                return true;
            }
            logger.LogWarning("Job {Job}: shard {Tile} will be retried on another silo: {Reason}", JobId, shard.TileId, progress.Error);
            S.Retries++;
            return true;
        }
        if (progress is { State: ShardRunState.Failed, Permanent: true })
        {
            await FailAsync($"shard {shard.TileId}: {progress.Error}");
            return true;
        }
        // Failed for a transient reason, Idle (a new activation: its silo died), or the poll itself failed.
        string why = failure?.Message ?? progress?.Error ?? "its activation was lost (silo gone)";
        logger.LogWarning("Job {Job}: shard {Tile} attempt {Attempt} will be retried: {Reason}", JobId, shard.TileId, shard.Attempts, why);
        shard.Status = ShardStatus.Pending;
        S.Retries++;
        return true;
    }

    private ShardAssignment Assignment(ShardRecord shard) => new()
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
    };

    protected override Task OnFailingAsync()
    {
        S.CompletedAt = DateTimeOffset.UtcNow;
        return Task.CompletedTask;
    }

    /// <summary>What a job leaves behind besides its output: unfinished uploads of <paramref name="outputs"/> and every _work/ blob.</summary>
    private static async Task RemoveTemporaryBlobsAsync(RangeOrleans.Storage.IBlobStore destination, IReadOnlyList<string> outputs)
    {
        foreach (var output in outputs) await destination.DiscardUnfinishedAsync(output);
        var names = new List<string>();
        await foreach (var entry in destination.ListAsync(JobPaths.WorkPrefix)) names.Add(entry.Name);
        foreach (var name in names) await destination.DeleteAsync(name);
    }

    private long DonePoints() => S.Shards.Where(s => s.Status == ShardStatus.Done).Sum(s => s.Rows) + _rowsInProgress.Values.Sum();

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
            TotalShards = S.Shards.Count,
            DoneShards = S.Shards.Count(s => s.Status == ShardStatus.Done),
            RunningShards = S.Shards.Count(s => s.Status == ShardStatus.Running),
            SkippedShards = S.Shards.Count(s => s.Skipped),
            TotalPoints = S.Shards.Sum(s => s.ExpectedRows),
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
