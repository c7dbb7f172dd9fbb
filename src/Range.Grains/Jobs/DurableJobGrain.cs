using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// What map, bank and pretrain jobs share: durable state in the grain store, an entry in the job registry, and a
/// grain timer, kept alive while the job has work left, that advances it one step per tick. A tick that fails
/// transiently (the state store restarting, a silo going away) keeps the state in memory and saves it next tick, for
/// up to <see cref="CoordinatorOptions.TransientFailureLimit"/>; any other failure fails the job. A write whose reply
/// was lost may still have landed, which makes the next write inconsistent: then the activation deactivates and a new
/// one re-reads the stored state.
/// Cancel (and a failure) records the job Cancelled (Failed) at once; then, on the timer (so the call returns at once even while storage is
/// down), what it runs is stopped (<see cref="StopRunningAsync"/>, asked every tick until nothing runs) and its
/// temporary data removed (<see cref="TemporaryDataRemoval"/>, off the scheduler, retried while storage is
/// unreachable); only then does the registry say cancelled (failed), so silos keep resuming the job until the cleanup is done.
/// </summary>
public abstract class DurableJobGrain<TState>(
    IPersistentState<TState> state,
    CoordinatorOptions options,
    TransientFailures transientFailures,
    ILogger logger) : Grain
    where TState : class, IDurableJobState, new()
{
    private IGrainTimer? _timer;
    private DateTime? _failingSince;
    private bool _unsaved;
    private RetriedWork? _cleaning;
    private SiloAddress[] _activeSilos = [];
    private DateTime _silosCountedAt = DateTime.MinValue;

    protected TState S => state.State;

    protected string JobId => this.GetPrimaryKeyString();

    protected CoordinatorOptions Options => options;

    protected ILogger Logger => logger;

    protected IJobRegistryGrain Registry => GrainFactory.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key);

    /// <summary>How log lines name this kind of job ("Job", "Bank job", ...).</summary>
    protected abstract string Kind { get; }

    /// <summary>The kind the registry records.</summary>
    protected abstract JobKind JobKind { get; }

    private string JobKindTag => JobKind.ToString().ToLowerInvariant();

    /// <summary>True while the job itself runs (not counting a cancelled job's cleanup).</summary>
    protected abstract bool HasWorkLeft { get; }

    private bool TimerNeeded => HasWorkLeft || S.CleanupPending;

    protected bool TimerRunning => _timer is not null;

    /// <summary>One step of the job, called on every tick while <see cref="HasWorkLeft"/>.</summary>
    protected abstract Task AdvanceAsync();

    /// <summary>A cancelled job: asks what it runs to stop; true once nothing runs any more (asked again every tick until then).</summary>
    protected abstract Task<bool> StopRunningAsync();

    /// <summary>What removes the temporary data a cancelled job left: built on the scheduler (it may read the state), run off it.</summary>
    protected abstract Func<Task> TemporaryDataRemoval();

    /// <summary>Before a failure is recorded: stop what the job runs.</summary>
    protected virtual Task OnFailingAsync() => Task.CompletedTask;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Resume();
        return Task.CompletedTask;
    }

    protected bool IsTransient(Exception e) => transientFailures.IsTransient(e);

    protected void EnsureTimer() =>
        _timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TimeSpan.Zero, options.PollInterval) { KeepAlive = true });

    protected void StopTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    /// <summary>Continues an unfinished job, or a cancelled job's cleanup, on the timer.</summary>
    protected void Resume()
    {
        if (TimerNeeded) EnsureTimer();
    }

    /// <summary>
    /// A first submit, once its checks passed: the job listed in the registry as <paramref name="initial"/> (an id another
    /// kind of job has is refused, ArgumentException, with nothing stored), then its state (<paramref name="record"/> sets
    /// the kind's own fields) written as <paramref name="initial"/>, then its timer started.
    /// </summary>
    protected async Task BeginAsync(string destination, DateTimeOffset submittedAt, JobState initial, Action record)
    {
        await Registry.RegisterAsync(new JobSummary { JobId = JobId, Kind = JobKind, Destination = destination, SubmittedAt = submittedAt, State = initial });
        record();
        S.State = initial;
        await SaveAsync();
        EnsureTimer();
    }

    /// <summary>
    /// A submit-time check that reads files (the claim on DEST, checksums of the checkpoint): a failure of this silo's own
    /// (a missing file, storage not configured here) is for the submitter to fix, so it reaches them as an
    /// ArgumentException naming the silo (the HTTP API's 400), not as an error of the cluster.
    /// </summary>
    protected async Task CheckOnThisSiloAsync(Func<Task> check)
    {
        try { await check(); }
        catch (Exception e) when (SiloDependentFailures.DependsOnSilo(e))
        {
            throw new ArgumentException($"silo {LocalSilo}, which coordinates {Kind.ToLowerInvariant()} '{JobId}': {e.Message}");
        }
    }

    /// <summary>The silo this job grain runs on, for messages that name where something failed.</summary>
    protected SiloAddress LocalSilo => ServiceProvider.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    /// <summary>
    /// Starts a run (a shard) with <paramref name="placeOn"/> as its placement hint (<see cref="RetryPlacement"/>; null:
    /// anywhere): null once started, or the transient failure of the start (not a run: the caller starts it again).
    /// </summary>
    protected async Task<Exception?> TryStartAsync(SiloAddress? placeOn, Func<Task> start)
    {
        try
        {
            await RetryPlacement.CallAsync(placeOn, () => start().WaitAsync(options.PollTimeout));
            return null;
        }
        catch (Exception e) when (IsTransient(e)) { return e; }
    }

    /// <summary>
    /// The cluster's active silos (at least 1), for sizing how much runs at once. Membership is asked at most every 5 s
    /// (each ask reads the membership table); while it cannot be asked, the last count stands.
    /// </summary>
    protected async Task<int> ActiveSilosAsync() => Math.Max(1, (await ActiveSiloAddressesAsync()).Count);

    /// <summary>The cluster's active silos' addresses (ToString() is how a silo names itself), asked as <see cref="ActiveSilosAsync"/> says.</summary>
    protected async Task<IReadOnlyList<SiloAddress>> ActiveSiloAddressesAsync()
    {
        if (DateTime.UtcNow - _silosCountedAt < TimeSpan.FromSeconds(5)) return _activeSilos;
        _silosCountedAt = DateTime.UtcNow;
        try
        {
            var hosts = await GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            _activeSilos = hosts.Keys.ToArray();
        }
        catch (Exception e) when (IsTransient(e)) { }
        return _activeSilos;
    }

    /// <summary>Writes the state; if the write fails, the next tick writes it again.</summary>
    protected async Task SaveAsync()
    {
        _unsaved = true;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        await WriteStateAsync();
        JobMetrics.StateWrite.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("kind", JobKindTag));
        _unsaved = false;
    }

    /// <summary>One durable write of the job: its grain state, and whatever else a kind of job stores beside it.</summary>
    protected virtual Task WriteStateAsync() => state.WriteStateAsync();

    /// <summary>
    /// Deletes a finished job's durable state and deactivates it (the registry calls this once the job's retention has
    /// passed). Refused while the job runs or cleans up: a running job's state is what resumes it.
    /// </summary>
    public async Task RetireAsync()
    {
        if (HasWorkLeft || S.CleanupPending)
            throw new InvalidOperationException($"{Kind.ToLowerInvariant()} '{JobId}' is {S.State.ToString().ToLowerInvariant()}{(S.CleanupPending ? " and cleaning up" : "")}: only finished jobs are retired");
        StopTimer();
        await ClearStoredStateAsync();
        DeactivateOnIdle();
        logger.LogInformation("{Kind} {Job} retired: its state is deleted from the grain store", Kind, JobId);
    }

    /// <summary>Deletes everything <see cref="WriteStateAsync"/> stored.</summary>
    protected virtual Task ClearStoredStateAsync() => state.ClearStateAsync();

    /// <summary>
    /// Asks each of <paramref name="runs"/> (shards, workers) to stop, then reads its progress: null where a call failed
    /// transiently (its silo is gone, or not declared dead yet).
    /// </summary>
    protected Task<(T Run, TProgress? Progress)[]> StopEachAsync<T, TProgress>(IEnumerable<T> runs, Func<T, Task> cancel, Func<T, Task<TProgress>> readProgress)
        where TProgress : class =>
        Task.WhenAll(runs.Select(async run =>
        {
            try
            {
                await cancel(run).WaitAsync(options.PollTimeout);
                return (run, await readProgress(run).WaitAsync(options.PollTimeout));
            }
            catch (Exception e) when (IsTransient(e)) { return (run, (TProgress?)null); }
        }));

    /// <summary>Cancels a job that still runs (see the class summary); one that has ended, or was never submitted, stays as it is.</summary>
    protected async Task CancelJobAsync()
    {
        if (!HasWorkLeft) return;
        S.State = JobState.Cancelled;
        S.CleanupPending = true;
        StopTimer();
        EnsureTimer(); // a fresh timer ticks now: the cleanup starts at once
        await SaveAsync();
        logger.LogInformation("{Kind} {Job} cancelled: stopping what it runs", Kind, JobId);
    }

    protected async Task TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_unsaved) await SaveAsync();
            if (S.CleanupPending) await AdvanceCleanupAsync();
            else if (HasWorkLeft) await AdvanceAsync();
            if (!TimerNeeded) StopTimer();
            _failingSince = null;
        }
        catch (InconsistentStateException e)
        {
            logger.LogWarning("{Kind} {Job}: stored state changed under this activation ({Error}); reloading it", Kind, JobId, e.Message);
            StopTimer();
            DeactivateOnIdle();
        }
        catch (Exception e) when (IsTransient(e) && DateTime.UtcNow - (_failingSince ??= DateTime.UtcNow) < options.TransientFailureLimit)
        {
            _unsaved = true;
            logger.LogWarning("{Kind} {Job}: tick failed transiently ({Error}); will retry", Kind, JobId, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "{Kind} {Job}: tick failed", Kind, JobId);
            await FailAsync($"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// One step of a cancelled job's cleanup: stop what it runs, then remove its temporary data. A removal that fails
    /// is tried again, for up to <see cref="CoordinatorOptions.TransientFailureLimit"/> (<see cref="RetriedWork"/>);
    /// then its error is recorded on the job and the cleanup ends.
    /// </summary>
    private async Task AdvanceCleanupAsync()
    {
        if (_cleaning is null)
        {
            if (!await StopRunningAsync()) return;
            _cleaning = new RetriedWork(TemporaryDataRemoval(), options.TransientFailureLimit);
        }
        var removal = _cleaning.Advance();
        var error = _cleaning.Error;
        if (removal == RetriedWorkState.Running) return;
        if (removal == RetriedWorkState.Retrying)
        {
            logger.LogWarning("{Kind} {Job}: removing the cancelled job's temporary blobs failed ({Error}); will retry", Kind, JobId, error!.Message);
            return;
        }
        _cleaning = null;
        if (removal == RetriedWorkState.GaveUp)
        {
            S.Error = S.State == JobState.Failed
                ? $"{S.Error}; removing its temporary blobs failed too: {error!.Message}"
                : $"cancelled, but removing its temporary blobs failed: {error!.Message}";
            logger.LogError("{Kind} {Job}: {Error}", Kind, JobId, S.Error);
        }
        // The registry lists it as running until now, so silos keep resuming the job until the cleanup is done.
        await Registry.UpdateAsync(JobId, S.State);
        S.CleanupPending = false;
        await SaveAsync();
        StopTimer();
        logger.LogInformation("{Kind} {Job}: {State}; nothing runs any more, temporary blobs removed, finished output kept", Kind, JobId, S.State);
    }

    /// <summary>
    /// Records the job Failed with its first error, then cleans up as a cancel does (what it runs is stopped, its
    /// temporary data removed, on the timer) before the registry says failed. Without <paramref name="removeTemporaryData"/>
    /// (a job that never started anything and must not touch DEST) it is failed at once.
    /// </summary>
    protected async Task FailAsync(string error, bool removeTemporaryData = true)
    {
        logger.LogError("{Kind} {Job} failed: {Error}", Kind, JobId, error);
        await OnFailingAsync();
        S.State = JobState.Failed;
        S.Error = error;
        S.CleanupPending = removeTemporaryData;
        StopTimer();
        if (removeTemporaryData) EnsureTimer(); // a fresh timer ticks now: the cleanup starts at once
        await SaveAsync();
        if (!removeTemporaryData) await Registry.UpdateAsync(JobId, JobState.Failed);
    }
}
