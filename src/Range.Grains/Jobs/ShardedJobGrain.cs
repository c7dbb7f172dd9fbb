using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;
using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Storage;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// The engine map and bank jobs run on; a kind says what its shards are (<see cref="Planning"/>, the shard grain
/// calls, <see cref="ShardBlob"/>) and how the job finishes (<see cref="Completion"/>). On every tick of
/// <see cref="DurableJobGrain{TState}"/>:
/// <list type="number">
/// <item>Preparing: the plan is made off the scheduler, then the shard table is stored and the job is Running.</item>
/// <item>Once per activation, the shards the table says are done are hashed again in the background (a few files at a
/// time, <see cref="ShardVerifier"/>) while pending ones are dispatched; a damaged or missing file is computed again.</item>
/// <item>Running shards not heard from for a <see cref="CoordinatorOptions.PollInterval"/> are polled (a shard also
/// reports when it ends, <see cref="ShardChangedAsync"/>, which refills its slot within milliseconds); a silo that died
/// shows as an Idle shard, which runs again.</item>
/// <item>Pending shards start into the free slots (active silos x <see cref="CoordinatorOptions.ShardsInFlightPerSilo"/>),
/// recorded running in one write before they start, a retry placed off the silos it failed on.</item>
/// <item>What changed is written: the table's changed pages (<see cref="ShardTableStore"/>), the state only when it changed.</item>
/// <item>Every shard done and verified: the kind's <see cref="JobCompletion"/> (manifest, merged bank), retried while it
/// fails, then the job is Completed.</item>
/// </list>
/// A cancelled (failed) job stops its running shards (one that finished meanwhile is recorded) before the kind's
/// <see cref="DurableJobGrain{TState}.TemporaryDataRemoval"/> runs; finished shard files stay for a rerun to reuse.
/// </summary>
public abstract class ShardedJobGrain<TState>(
    IPersistentState<TState> state,
    IBlobStoreFactory stores,
    CoordinatorOptions options,
    TransientFailures transientFailures,
    ILogger logger)
    : DurableJobGrain<TState>(state, options, transientFailures, logger)
    where TState : class, IShardedJobState, new()
{
    private ShardTable _table = new([]);
    private ShardTableStore _tableStore = null!;
    private string? _stateWritten;
    private Task<ShardPlan>? _preparing;
    private Task<List<string>>? _verifying;
    private bool _verified;
    private JobCompletion? _finishing;
    private IGrainTimer? _tickSoon;
    private readonly Dictionary<string, DateTime> _heardAt = [];
    private readonly Dictionary<string, long> _rowsInProgress = [];
    private readonly HashSet<string> _stopped = []; // shards seen stopped during this activation's cleanup

    protected ShardTable Table => _table;

    protected IBlobStoreFactory Stores => stores;

    /// <summary>Every shard is done and the kind's completion runs: a cancel comes too late, the job completes.</summary>
    protected bool Completing => _finishing is not null;

    /// <summary>Rows (entries) done, counting the running shards' progress.</summary>
    protected long DonePoints => _table.DonePoints + _rowsInProgress.Values.Sum();

    protected override bool HasWorkLeft => S.State is JobState.Preparing or JobState.Running;

    /// <summary>The job's DEST.</summary>
    protected abstract string Destination { get; }

    /// <summary>
    /// What makes the shard table: built on the scheduler (it reads the state), run off it. It lists the kind's shards,
    /// those DEST already holds (verified) done and skipped.
    /// </summary>
    protected abstract Func<Task<ShardPlan>> Planning();

    /// <summary>Starts (or, if it runs, just asks about) a shard's run; it reports to <see cref="ShardChangedAsync"/> when it ends.</summary>
    protected abstract Task StartShardAsync(ShardRecord shard);

    protected abstract Task<ShardProgress> ShardProgressAsync(ShardRecord shard);

    protected abstract Task CancelShardAsync(ShardRecord shard);

    /// <summary>The blob a done shard's SHA-256 vouches for.</summary>
    protected abstract string ShardBlob(ShardRecord shard);

    /// <summary>How the job finishes once every shard is done and verified: built on the scheduler, run off it.</summary>
    protected abstract JobCompletion Completion(IBlobStore destination);

    /// <summary>A shard finished with <paramref name="result"/> (its rows already checked): the kind's own fields.</summary>
    protected virtual void OnShardDone(ShardRecord shard, ShardResult result) { }

    /// <summary>Shards are about to start.</summary>
    protected virtual void OnDispatching() { }

    /// <summary>The completion succeeded; the state is saved as Completed next.</summary>
    protected virtual void OnCompleted() { }

    /// <summary>
    /// The shard table as a state written before the table moved into pages held it (it is moved into pages by the next
    /// write, pages first), taken out of the state; null when there is none.
    /// </summary>
    protected virtual List<ShardRecord>? TakeLegacyShards() => null;

    /// <summary>
    /// The grain key of a shard's run. After a failure that depends on the silo, a fresh one: re-activating the same id
    /// after DeactivateOnIdle landed on the same silo every time (measured, 32 in a row), a new id is placed at random again.
    /// </summary>
    protected string ShardKey(ShardRecord shard) => shard.SiloFailures == 0 ? $"{JobId}/{shard.TileId}" : $"{JobId}/{shard.TileId}#{shard.SiloFailures}";

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _tableStore = new ShardTableStore(ServiceProvider.GetRequiredKeyedService<IGrainStorage>(RangeStorage.Name), this.GetGrainId());
        _stateWritten = StateJson();
        if (TakeLegacyShards() is { Count: > 0 } legacy) ReplaceShardTable(legacy);
        else if (S.ShardPages > 0) _table = await _tableStore.LoadAsync(S.ShardPages);
        await base.OnActivateAsync(cancellationToken);
    }

    public Task<ShardSummary[]> GetShardsAsync() => Task.FromResult(_table.Rows.Select(s => new ShardSummary
    {
        TileId = s.TileId,
        Status = s.Status.ToString().ToLowerInvariant(),
        Attempts = s.Attempts,
        ExpectedRows = s.ExpectedRows,
        Rows = s.Rows,
        Sha256 = s.Sha256,
    }).ToArray());

    /// <summary>A shard's report that it ended: applied at once, and a tick follows within milliseconds to refill its slot.</summary>
    public async Task ShardChangedAsync(string tileId, ShardProgress progress)
    {
        if (S.CleanupPending)
        {
            TickSoon(); // a cancelled job waits for its shards to stop
            return;
        }
        if (S.State != JobState.Running || _finishing is not null) return;
        if (_table.Find(tileId) is not { Status: ShardStatus.Running } shard) return;
        // A failure of an earlier attempt says nothing about the one running now; a result is a result.
        if (progress.State != ShardRunState.Done && progress.Attempt != shard.Attempts) return;
        await ApplyAsync(shard, progress, null);
        TickSoon();
    }

    protected override Task AdvanceAsync() => S.State == JobState.Preparing ? PrepareAsync() : AdvanceShardsAsync();

    private async Task PrepareAsync()
    {
        _preparing ??= Task.Run(Planning());
        if (!_preparing.IsCompleted) return;
        var preparing = _preparing;
        _preparing = null;
        if (preparing.IsFaulted)
        {
            var error = preparing.Exception!.InnerException!;
            if (error is DestinationTakenException)
            {
                await FailAsync(error.Message, removeTemporaryData: false); // what DEST holds is another job's
                return;
            }
            await FailAsync(SiloDependentFailures.DependsOnSilo(error)
                ? $"preparing the job on silo {LocalSilo}: {error.Message}"
                : $"preparing the job: {error.Message}");
            return;
        }
        preparing.Result.Record();
        ReplaceShardTable(preparing.Result.Shards);
        S.State = JobState.Running;
        _verified = true; // the plan just hashed the shards it found already produced
        await SaveAsync();
        await Registry.UpdateAsync(JobId, JobState.Running);
        Logger.LogInformation("{Kind} {Job}: {Shards} shards, {Points} rows ({Skipped} already produced, reused)",
            Kind, JobId, _table.Count, _table.TotalPoints, _table.SkippedShards);
    }

    private async Task AdvanceShardsAsync()
    {
        bool verified = await VerifyDoneShardsAsync(); // in the background: dispatch goes on meanwhile
        if (await AdvanceCompletionAsync()) return;
        await PollDueShardsAsync();
        if (S.State != JobState.Running) return;
        if (_table.AllDone)
        {
            if (!verified) return; // the completion uses only files checked in this activation
            if (HasUnsavedChanges) await SaveAsync();
            _finishing = Completion(stores.Open(Destination));
            return;
        }
        await DispatchAsync();
        if (S.State != JobState.Running) return;
        if (HasUnsavedChanges) await SaveAsync();
    }

    /// <summary>
    /// Once per activation: re-hash the files of shards the table says are done (off the scheduler) and put the damaged
    /// ones back to pending. False while the check runs.
    /// </summary>
    private async Task<bool> VerifyDoneShardsAsync()
    {
        if (_verified) return true;
        if (_verifying is null)
        {
            var done = _table.Rows.Where(s => s.Status == ShardStatus.Done).Select(s => (s.TileId, ShardBlob(s), s.Sha256)).ToList();
            if (done.Count == 0) { _verified = true; return true; }
            var destination = stores.Open(Destination);
            _verifying = Task.Run(() => ShardVerifier.FindDamagedAsync(destination, done, CancellationToken.None));
        }
        if (!_verifying.IsCompleted) return false;
        var verifying = _verifying;
        _verifying = null;
        if (verifying.IsFaulted)
        {
            Logger.LogWarning("{Kind} {Job}: checking finished shards failed ({Error}); will try again", Kind, JobId, verifying.Exception!.InnerException!.Message);
            return false;
        }
        _verified = true;
        var damaged = verifying.Result;
        if (damaged.Count == 0) return true;
        foreach (var tile in damaged) if (_table.Find(tile) is { } shard) _table.Redo(shard);
        Logger.LogWarning("{Kind} {Job}: {Count} finished shard file(s) missing or not matching their SHA-256 ({Tiles}); recomputing them",
            Kind, JobId, damaged.Count, string.Join(", ", damaged.Take(10)));
        await SaveAsync();
        return true;
    }

    /// <summary>Starts as many pending shards as free slots allow: recorded running in one write, then started all at once.</summary>
    private async Task DispatchAsync()
    {
        var silos = await ActiveSiloAddressesAsync(); // asked at most every 5 s
        int capacity = Math.Max(1, silos.Count) * Math.Max(1, Options.ShardsInFlightPerSilo);
        var starting = _table.NextPending(Math.Max(0, capacity - _table.RunningCount));
        if (starting.Count == 0) return;
        // Attempts that failed for their silo's own reason were retried elsewhere and do not count here.
        if (starting.FirstOrDefault(s => s.Attempts - s.SiloFailures >= Options.MaxAttempts) is { } exhausted)
        {
            await FailAsync($"shard {exhausted.TileId} failed {exhausted.Attempts} times");
            return;
        }
        OnDispatching();
        foreach (var shard in starting) _table.Start(shard);
        // Recorded before they start: a job grain that dies in between leaves them "running" (its successor polls them
        // and finds them idle), never started but unrecorded (a cancel would not stop them).
        try { await SaveAsync(); }
        catch
        {
            foreach (var shard in starting) _table.Unstart(shard);
            throw;
        }
        var started = DateTime.UtcNow;
        foreach (var (shard, failure) in await Task.WhenAll(starting.Select(async shard =>
            (shard, await TryStartAsync(RetryPlacement.Choose(shard.FailedOnSilos, silos, Random.Shared), () => StartShardAsync(shard))))))
        {
            if (failure is null)
            {
                _heardAt[shard.TileId] = started; // polled a PollInterval after its start, unless it reports sooner
                continue;
            }
            if (shard.Status != ShardStatus.Running) continue;
            // Not a run: until membership declares a killed silo dead, starts placed there fail within milliseconds, and
            // counting them would exhaust MaxAttempts in seconds. A start that did reach a live shard grain is harmless to
            // repeat: starting a running shard returns its progress. Nor is it a retry; it may still have begun a run.
            _table.StartFailed(shard);
            Logger.LogWarning("{Kind} {Job}: starting shard {Tile} failed ({Error}); will start it again", Kind, JobId, shard.TileId, failure.Message);
        }
    }

    /// <summary>Runs a tick as soon as the grain is free (reports that arrive meanwhile share it), unless one is already due.</summary>
    private void TickSoon()
    {
        if (_tickSoon is not null || !TimerRunning) return;
        _tickSoon = this.RegisterGrainTimer(async cancellationToken =>
        {
            _tickSoon?.Dispose();
            _tickSoon = null;
            await TickAsync(cancellationToken);
        }, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    private async Task PollDueShardsAsync()
    {
        var now = DateTime.UtcNow;
        var due = _table.Running.Where(s => !_heardAt.TryGetValue(s.TileId, out var heard) || now - heard >= Options.PollInterval).ToList();
        if (due.Count == 0) return;
        var polls = await Task.WhenAll(due.Select(async shard =>
        {
            try { return (shard, Progress: await ShardProgressAsync(shard).WaitAsync(Options.PollTimeout), Failure: (Exception?)null); }
            catch (Exception e) when (IsTransient(e)) { return (shard, Progress: (ShardProgress?)null, Failure: e); }
        }));
        foreach (var (shard, progress, failure) in polls)
        {
            if (S.State != JobState.Running) return;
            if (shard.Status == ShardStatus.Running) await ApplyAsync(shard, progress, failure);
        }
    }

    /// <summary>Applies what a running shard reported (or that its poll failed) to the shard table.</summary>
    private async Task ApplyAsync(ShardRecord shard, ShardProgress? progress, Exception? failure)
    {
        if (progress is { State: ShardRunState.Running })
        {
            _rowsInProgress[shard.TileId] = progress.RowsDone;
            _heardAt[shard.TileId] = DateTime.UtcNow;
            return;
        }
        _rowsInProgress.Remove(shard.TileId);
        _heardAt.Remove(shard.TileId);
        if (progress is { State: ShardRunState.Done, Result: { } result })
        {
            if (result.Rows != shard.ExpectedRows)
            {
                await FailAsync($"shard {shard.TileId} wrote {result.Rows} rows, expected {shard.ExpectedRows}");
                return;
            }
            _table.Done(shard, result.Rows, result.Sha256);
            OnShardDone(shard, result);
            return;
        }
        if (progress is { State: ShardRunState.Failed, SiloDependent: true, Silo: { } failedOn })
        {
            _table.SiloFailed(shard, failedOn);
            var active = await ActiveSiloAddressesAsync();
            if ((active.Count > 0 && active.All(silo => shard.FailedOnSilos.Contains(silo.ToString()))) || shard.SiloFailures >= 4 * Options.MaxAttempts)
            {
                await FailAsync($"shard {shard.TileId}: no silo could run it (failed on {string.Join(", ", shard.FailedOnSilos)}); last: {progress.Error}");
                return;
            }
            Logger.LogWarning("{Kind} {Job}: shard {Tile} will be retried on another silo: {Reason}", Kind, JobId, shard.TileId, progress.Error);
            S.Retries++;
            return;
        }
        if (progress is { State: ShardRunState.Failed, Permanent: true })
        {
            await FailAsync($"shard {shard.TileId}: {progress.Error}");
            return;
        }
        // Failed for a transient reason, Idle (a new activation: its silo died), Cancelled (its silo is stopping), or the poll failed.
        string why = failure?.Message ?? progress?.Error ?? "its activation was lost (silo gone)";
        Logger.LogWarning("{Kind} {Job}: shard {Tile} attempt {Attempt} will be retried: {Reason}", Kind, JobId, shard.TileId, shard.Attempts, why);
        _table.Retry(shard);
        S.Retries++;
    }

    /// <summary>True while the job is completing, or when it just completed or failed.</summary>
    private async Task<bool> AdvanceCompletionAsync()
    {
        if (_finishing is null) return false;
        switch (_finishing.Advance())
        {
            case CompletionStep.Working:
                return true;
            case CompletionStep.FinishRetrying:
                Logger.LogWarning("{Kind} {Job}: {Step} failed ({Error}); will retry", Kind, JobId, _finishing.Name, _finishing.Error!.Message);
                return true;
            case CompletionStep.RemovalRetrying:
                Logger.LogWarning("{Kind} {Job}: removing temporary blobs after {Step} failed ({Error}); will retry", Kind, JobId, _finishing.Name, _finishing.Error!.Message);
                return true;
            case CompletionStep.FinishFailed:
                var error = $"{_finishing.Name}: {_finishing.Error!.Message}";
                _finishing = null;
                await FailAsync(error);
                return true;
        }
        // The registry first: if it or the state write fails transiently, the next tick lands here again.
        await Registry.UpdateAsync(JobId, JobState.Completed);
        if (_finishing.Error is { } removal)
        {
            S.Error = $"completed, but removing its temporary blobs failed: {removal.Message}";
            Logger.LogError("{Kind} {Job}: {Error}", Kind, JobId, S.Error);
        }
        OnCompleted();
        S.State = JobState.Completed;
        await SaveAsync();
        _finishing = null;
        StopTimer();
        Logger.LogInformation("{Kind} {Job} completed: {Rows} rows in {Shards} shards", Kind, JobId, _table.DonePoints, _table.Count);
        return true;
    }

    /// <summary>
    /// A cancelled (failed) job: once the plan is made (it may still be writing to DEST), asks every shard that may still
    /// run to stop: those the table shows running, and unfinished ones started before (a run whose poll failed may live
    /// on). One that finished before it saw the cancel is recorded. True when none runs any more.
    /// </summary>
    protected override async Task<bool> StopRunningAsync()
    {
        if (_preparing is { IsCompleted: false }) return false;
        _preparing = null;
        var running = _table.Rows.Where(s => s.Status == ShardStatus.Running || (s.Status == ShardStatus.Pending && (s.Attempts > 0 || s.StartFailed) && !_stopped.Contains(s.TileId))).ToList();
        if (running.Count == 0) return true;
        // A shard whose silo is gone (no answer) runs nowhere any more.
        var stops = await StopEachAsync(running, CancelShardAsync, ShardProgressAsync);
        bool stillRunning = false;
        foreach (var (shard, progress) in stops)
        {
            if (progress is { State: ShardRunState.Running })
            {
                stillRunning = true; // it stops at its next batch
                continue;
            }
            _stopped.Add(shard.TileId);
            Logger.LogInformation("{Kind} {Job}: shard {Tile} stopped ({State} on {Silo})", Kind, JobId, shard.TileId, progress?.State.ToString() ?? "silo gone", progress?.Silo ?? "-");
            if (shard.Status != ShardStatus.Running) continue; // an earlier run, stopped now
            // Finished before it saw the cancel: its file is complete, keep it.
            if (progress is { State: ShardRunState.Done, Result: { } result } && result.Rows == shard.ExpectedRows) _table.Done(shard, result.Rows, result.Sha256);
            else _table.Retry(shard);
        }
        if (HasUnsavedChanges) await SaveAsync();
        return !stillRunning;
    }

    private bool HasUnsavedChanges => _table.DirtyPages.Count > 0 || StateJson() != _stateWritten;

    // The state without the table is small: comparing its JSON decides whether it needs writing.
    private string StateJson() => JsonSerializer.Serialize(S);

    private void ReplaceShardTable(List<ShardRecord> shards)
    {
        _table = new ShardTable(shards);
        _table.MarkAllDirty(); // every page is written by the next save
        S.ShardPages = _table.PageCount;
    }

    /// <summary>The table's changed pages first (a state never names pages that were not written), then the state if it changed.</summary>
    protected override async Task WriteStateAsync()
    {
        await _tableStore.WriteChangedAsync(_table);
        var json = StateJson();
        if (json == _stateWritten) return;
        await base.WriteStateAsync();
        _stateWritten = json;
    }

    protected override async Task ClearStoredStateAsync()
    {
        // The state goes last: while it is there, it names the pages, so a clear cut short is finished by the next retire.
        await _tableStore.ClearAsync(Math.Max(S.ShardPages, _table.PageCount));
        await base.ClearStoredStateAsync();
        _table = new ShardTable([]);
        _stateWritten = null;
    }
}
