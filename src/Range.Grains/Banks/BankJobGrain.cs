using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Banks;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Storage;
using RangeOrleans.Training.Banks;
using RangeOrleans.Training.Data;

namespace RangeOrleans.Grains.Banks;

/// <summary>
/// One bank job. A grain timer drives it: plan the shards (<see cref="BankShard.Plan"/>) off the scheduler,
/// then every tick poll running shards (in parallel), record finished ones (SHA-256 in the durable state and in
/// shards.sha256), restart those whose silo died or whose run failed (up to <see cref="MaxAttempts"/> runs),
/// dispatch pending ones (recorded running before they start, as the map coordinator does), and when all are
/// recorded merge them into bank.arrow (tried again while storage fails, as a map's manifest is). A finished shard stays
/// finished across silo deaths: its blob is committed and its hash persisted before it counts.
/// Cancel (<see cref="DurableJobGrain{TState}"/>) stops dispatch at once; then the running shards are stopped (one
/// that finished meanwhile is recorded), and what unrecorded shards left is removed (unfinished uploads, and blobs no
/// recorded hash vouches for). Recorded shard files and shards.sha256 stay; no bank.arrow is written. Once every
/// shard is recorded and the merge has begun, the job completes. A bank job writes no scratch data to DEST.
/// </summary>
public sealed class BankJobGrain(
    [PersistentState("bank", RangeStorage.Name)] IPersistentState<BankJobState> state,
    IBlobStoreFactory stores,
    AllowedRoots roots,
    IOptions<CoordinatorOptions> options,
    TransientFailures transientFailures,
    ILogger<BankJobGrain> logger)
    : DurableJobGrain<BankJobState>(state, options.Value, transientFailures, logger), IBankJobGrain
{
    public const int MaxAttempts = 8;
    private Task<(List<BankShardRecord> Shards, long Entries)>? _planning;
    private RetriedWork? _merging;
    private string? _mergedSha256;
    private readonly HashSet<int> _stopped = []; // shards seen stopped during this activation's cleanup

    protected override string Kind => "Bank job";

    protected override JobKind JobKind => JobKind.Bank;

    protected override bool HasWorkLeft => S.State is JobState.Preparing or JobState.Running;

    public async Task<BankJobStatus> SubmitAsync(BankJobSpec spec)
    {
        JobPoints.ValidateJobId(JobId);
        if (spec.ShardSize < 1) throw new ArgumentException($"shard size must be at least 1, got {spec.ShardSize}");
        JobPoints.RequireDestination(spec.Destination);
        roots.Require(spec);
        if (S.Spec is not null)
        {
            if (S.Spec != spec) throw new ArgumentException($"bank job '{JobId}' already exists with a different spec; choose another job id");
            return Status();
        }
        // Off the scheduler: it hashes the checkpoint and the value encoder.
        await CheckOnThisSiloAsync(() => Task.Run(() => BankClaim.ClaimAsync(stores.Open(spec.Destination), JobId, spec, stores, CancellationToken.None)));
        await BeginAsync(spec.Destination, DateTimeOffset.UtcNow, JobState.Preparing, () => S.Spec = spec);
        return Status();
    }

    public Task<BankJobStatus> GetStatusAsync() => Task.FromResult(Status());

    public async Task<BankJobStatus> CancelAsync()
    {
        if (_merging is null) await CancelJobAsync(); // else every shard is recorded and bank.arrow is being written: the job completes
        return Status();
    }

    public Task<BankJobStatus> ResumeAsync()
    {
        Resume();
        return Task.FromResult(Status());
    }

    private BankJobStatus Status() => new()
    {
        JobId = JobId,
        State = S.State,
        Destination = S.Spec?.Destination ?? "",
        CleaningUp = S.CleanupPending,
        TotalShards = S.Shards.Count,
        DoneShards = S.Shards.Count(s => s.Sha256 is not null),
        RunningShards = S.Shards.Count(s => s.Running),
        Retries = S.Retries,
        Entries = S.Entries,
        BankSha256 = S.BankSha256,
        Error = S.Error,
        ReusedShards = S.ReusedShards,
    };

    protected override Task AdvanceAsync() => S.State == JobState.Preparing ? PlanAsync() : AdvanceRunningAsync();

    private async Task PlanAsync()
    {
        var spec = S.Spec!;
        _planning ??= Task.Run(async () =>
        {
            int count = DataSource.Open(spec.Data, spec.Entries, spec.Seed).Count; // deterministic: every silo opens the same entries
            var shards = BankShard.Plan(count, spec.ShardSize).Select(s => new BankShardRecord { Index = s.Index, Start = s.Start, Count = s.Count }).ToList();
            await ReuseRecordedShardsAsync(stores.Open(spec.Destination), shards);
            return (shards, (long)count);
        });
        if (!_planning.IsCompleted) return;
        var planning = _planning;
        _planning = null;
        if (planning.IsFaulted) { await FailAsync($"planning the bank: {planning.Exception!.InnerException!.Message}"); return; }
        (S.Shards, S.Entries) = planning.Result;
        S.ReusedShards = S.Shards.Count(s => s.Sha256 is not null);
        S.State = JobState.Running;
        await SaveAsync();
        await Registry.UpdateAsync(JobId, JobState.Running);
        logger.LogInformation("Bank job {Job}: {Entries} entries in {Shards} shards ({Reused} already built, reused)", JobId, S.Entries, S.Shards.Count, S.ReusedShards);
    }

    /// <summary>One tick of a running bank job: the merge once every shard is recorded, else polls, then starts.</summary>
    private async Task AdvanceRunningAsync()
    {
        if (_merging is not null)
        {
            await AdvanceMergeAsync();
            return;
        }
        var (changed, failed) = await PollRunningShardsAsync();
        if (failed) return;
        if (changed) await SaveAsync(); // a finished shard's hash is durable before anything else happens
        bool allDone = S.Shards.All(s => s.Sha256 is not null);
        // Rewritten whole on every change, and once more before the merge: a write lost to an outage is made good.
        if (changed || allDone) await RecordHashesAsync();

        if (allDone)
        {
            var spec = S.Spec!;
            var shards = S.Shards.Select(s => (s.Index, s.Sha256!)).ToList();
            var destination = stores.Open(spec.Destination);
            _merging = new RetriedWork(() => Task.FromResult(_mergedSha256 = Merge(destination, shards)), Options.TransientFailureLimit,
                DeterministicFailures.IsDeterministic);
            return;
        }
        await StartShardsAsync();
    }

    private async Task AdvanceMergeAsync()
    {
        switch (_merging!.Advance())
        {
            case RetriedWorkState.Running:
                return;
            case RetriedWorkState.Retrying:
                logger.LogWarning("Bank job {Job}: merging the bank failed ({Error}); will retry", JobId, _merging.Error!.Message);
                return;
            case RetriedWorkState.GaveUp:
                var error = _merging.Error!.Message;
                _merging = null;
                await FailAsync($"merging the bank: {error}");
                return;
        }
        _merging = null;
        S.BankSha256 = _mergedSha256;
        S.State = JobState.Completed;
        await SaveAsync();
        await Registry.UpdateAsync(JobId, JobState.Completed);
        logger.LogInformation("Bank job {Job} completed: {Entries} entries", JobId, S.Entries);
    }

    /// <summary>Asks the running shards how they are, all at once; Changed: a shard ended; Failed: the job failed (nothing more this tick).</summary>
    private async Task<(bool Changed, bool Failed)> PollRunningShardsAsync()
    {
        bool changed = false;
        var polled = await Task.WhenAll(S.Shards.Where(s => s.Running).Select(async shard =>
        {
            // No answer: its silo died (or the run is lost); it runs again.
            try { return (shard, await Shard(shard).GetProgressAsync().WaitAsync(Options.PollTimeout)); }
            catch (Exception e) when (IsTransient(e)) { return (shard, new BankShardProgress(ShardRunState.Idle)); }
        }));
        foreach (var (shard, progress) in polled)
        {
            switch (progress.State)
            {
                case ShardRunState.Done:
                    shard.Running = false;
                    shard.Sha256 = progress.Sha256;
                    changed = true;
                    break;
                case ShardRunState.Failed when progress.Permanent:
                    shard.Running = false;
                    await FailAsync($"shard {shard.Index} failed: {progress.Error}");
                    return (true, true);
                case ShardRunState.Failed when progress is { SiloDependent: true, Silo: { } failedOn }:
                    shard.Running = false;
                    changed = true;
                    if (!shard.FailedOnSilos.Contains(failedOn)) shard.FailedOnSilos.Add(failedOn);
                    var active = await ActiveSiloAddressesAsync();
                    if ((active.Count > 0 && active.All(silo => shard.FailedOnSilos.Contains(silo.ToString()))) || shard.Attempts >= MaxAttempts)
                    {
                        await FailAsync($"shard {shard.Index}: no silo could run it (failed on {string.Join(", ", shard.FailedOnSilos)}); last: {progress.Error}");
                        return (true, true);
                    }
                    logger.LogWarning("Bank job {Job}: shard {Shard} will be retried on another silo: {Reason}", JobId, shard.Index, progress.Error);
                    S.Retries++;
                    break;
                // Cancelled here means its silo is stopping (a cancelled job does not poll): run it again elsewhere.
                case ShardRunState.Failed or ShardRunState.Idle or ShardRunState.Cancelled:
                    shard.Running = false;
                    changed = true;
                    if (shard.Attempts >= MaxAttempts)
                    {
                        await FailAsync($"shard {shard.Index} failed {shard.Attempts} times: {progress.Error ?? "its silo died"}");
                        return (true, true);
                    }
                    S.Retries++;
                    break;
            }
        }
        return (changed, false);
    }

    /// <summary>
    /// Starts pending shards into the cluster's free slots: recorded running in one write first (a job that dies in
    /// between leaves them "running", found idle and started again by its successor; never started but unrecorded, where
    /// a cancel would not stop them), then started in parallel, a retry placed off the silos it failed on.
    /// </summary>
    private async Task StartShardsAsync()
    {
        var silos = await ActiveSiloAddressesAsync();
        int slots = Math.Max(1, silos.Count) * Math.Max(1, Options.ShardsInFlightPerSilo) - S.Shards.Count(s => s.Running);
        var starting = S.Shards.Where(s => !s.Running && s.Sha256 is null).Take(Math.Max(0, slots)).ToList();
        if (starting.Count == 0) return;
        foreach (var shard in starting) (shard.Attempts, shard.Running) = (shard.Attempts + 1, true);
        try { await SaveAsync(); }
        catch
        {
            foreach (var shard in starting) (shard.Attempts, shard.Running) = (shard.Attempts - 1, false);
            throw;
        }
        var started = await Task.WhenAll(starting.Select(async shard => (shard, Failure: await TryStartAsync(
            RetryPlacement.Choose(shard.FailedOnSilos, silos, Random.Shared), () => Shard(shard).StartAsync(S.Spec!, shard.Index, shard.Start, shard.Count)))));
        // Not a run (see JobCoordinatorGrain): a start placed on a silo not yet declared dead fails at once.
        foreach (var (shard, failure) in started.Where(s => s.Failure is not null))
        {
            (shard.Attempts, shard.Running) = (shard.Attempts - 1, false);
            logger.LogWarning("Bank job {Job}: starting shard {Shard} failed ({Error}); will start it again", JobId, shard.Index, failure!.Message);
        }
        if (started.Any(s => s.Failure is not null)) await SaveAsync();
    }

    /// <summary>
    /// A cancelled job: asks every shard that may still run to stop (those running, and unfinished ones started before:
    /// a run whose poll failed may live on). One that finished before it saw the cancel is recorded. True when none runs.
    /// </summary>
    protected override async Task<bool> StopRunningAsync()
    {
        var running = S.Shards.Where(s => s.Running || (s.Sha256 is null && s.Attempts > 0 && !_stopped.Contains(s.Index))).ToList();
        if (running.Count == 0) return true;
        // A shard whose silo is gone (no answer) runs nowhere any more.
        var stops = await StopEachAsync(running, shard => Shard(shard).CancelAsync(), shard => Shard(shard).GetProgressAsync());
        bool changed = false;
        foreach (var (shard, progress) in stops)
        {
            if (progress is { State: ShardRunState.Running }) continue; // it stops at its next batch
            _stopped.Add(shard.Index);
            if (!shard.Running) continue; // an earlier run, stopped now
            shard.Running = false;
            if (progress is { State: ShardRunState.Done, Sha256: { } sha }) shard.Sha256 = sha;
            changed = true;
        }
        if (changed)
        {
            await SaveAsync();
            await RecordHashesAsync();
        }
        return stops.All(s => s.Progress is not { State: ShardRunState.Running });
    }

    /// <summary>
    /// The output of every shard not recorded: an unfinished upload (local partial file, staged Azure blocks), and a
    /// blob that a run committed but whose hash never reached the job (nothing vouches for it), so that shards/ holds
    /// exactly the shards shards.sha256 lists. A bank job has no other temporary data.
    /// </summary>
    protected override Func<Task> TemporaryDataRemoval()
    {
        var store = stores.Open(S.Spec!.Destination);
        var unrecorded = S.Shards.Where(s => s.Sha256 is null).Select(ShardBlob).ToList();
        return async () =>
        {
            foreach (var name in unrecorded)
            {
                await store.DiscardUnfinishedAsync(name);
                await store.DeleteAsync(name);
            }
        };
    }

    /// <summary>
    /// Marks built the shards an earlier job onto this DEST recorded in shards.sha256 (an interrupted, cancelled or failed
    /// one, under any job id: the claim made at submit (<see cref="BankClaim"/>) says DEST holds this settings' bank) whose blobs still match.
    /// </summary>
    private static async Task ReuseRecordedShardsAsync(IBlobStore destination, List<BankShardRecord> shards)
    {
        var recorded = LocalBankJob.ReadHashes(destination, CancellationToken.None);
        var candidates = shards.Where(s => recorded.ContainsKey(ShardBlob(s))).Select(s => (s.Index.ToString(), ShardBlob(s), (string?)recorded[ShardBlob(s)])).ToList();
        var damaged = (await ShardVerifier.FindDamagedAsync(destination, candidates, CancellationToken.None)).ToHashSet();
        foreach (var shard in shards.Where(s => recorded.ContainsKey(ShardBlob(s)) && !damaged.Contains(s.Index.ToString())))
            shard.Sha256 = recorded[ShardBlob(shard)];
    }

    private IBankShardGrain Shard(BankShardRecord shard) => GrainFactory.GetGrain<IBankShardGrain>($"{JobId}/{shard.Index}");

    private static string ShardBlob(BankShardRecord shard) => LocalBankJob.ShardBlob(shard.Index);

    // shards.sha256 next to the shards, in sha256sum format: the same record LocalBankJob keeps.
    private Task RecordHashesAsync()
    {
        var text = string.Concat(S.Shards.Where(s => s.Sha256 is not null).Select(s => $"{s.Sha256}  {ShardBlob(s)}\n"));
        return stores.Open(S.Spec!.Destination).WriteAllTextAsync(LocalBankJob.ShardHashesFile, text);
    }

    private static string Merge(IBlobStore store, List<(int Index, string Sha256)> shards)
    {
        var banks = new List<FeatureBank>();
        foreach (var (index, sha) in shards)
        {
            var name = LocalBankJob.ShardBlob(index);
            var bytes = store.ReadAllBytesAsync(name).GetAwaiter().GetResult();
            using var stream = new MemoryStream(bytes, writable: false);
            if (Core.Jobs.ContentHash.OfStream(stream) != sha) throw new InvalidDataException($"{store.Location}/{name} does not match the SHA-256 recorded when it was built");
            stream.Position = 0;
            banks.Add(ArrowBankFile.Read(stream, $"{store.Location}/{name}"));
        }
        var merged = BankBuilder.Merge(banks, $"{store.Location}: {banks.Sum(b => b.Count)} entries");
        return LocalBankJob.Write(store, LocalBankJob.BankFile, merged);
    }
}
