using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Grains.Pretraining;

/// <summary>
/// One pretrain job. A grain timer drives it: every tick poll the current attempt's <see cref="IPretrainWorkerGrain"/>
/// and record the epoch reports it has added (durable before they count here); when the worker is done, complete;
/// when its silo died (the poll finds a new, idle activation) or its run failed, start attempt N+1 on worker "JOB/N+1",
/// which resumes from the stored last.ckpt (up to <see cref="MaxAttempts"/> runs). A finished epoch stays finished
/// across silo deaths: the worker stores its checkpoint before reporting it. A job that fails cancels its worker, so
/// no run is left writing to DEST.
/// Cancel (<see cref="DurableJobGrain{TState}"/>): the job is Cancelled at once; then the worker is cancelled and
/// polled until it has stopped (at its next batch), the epochs it stored are recorded, and an upload the cancel cut
/// short (last.ckpt or the optimiser file of the epoch being stored) is discarded. The stored last.ckpt and its
/// optimiser file stay: a job with the same settings onto the same DEST resumes after them.
/// </summary>
public sealed class PretrainJobGrain(
    [PersistentState("pretrain", RangeStorage.Name)] IPersistentState<PretrainJobState> state,
    IBlobStoreFactory stores,
    AllowedRoots roots,
    IOptions<CoordinatorOptions> options,
    TransientFailures transientFailures,
    ILogger<PretrainJobGrain> logger)
    : DurableJobGrain<PretrainJobState>(state, options.Value, transientFailures, logger), IPretrainJobGrain
{
    public const int MaxAttempts = 8;
    private PretrainWorkerProgress? _worker;
    private DateTime? _pollFailingSince;

    protected override string Kind => "Pretrain job";

    protected override JobKind JobKind => JobKind.Pretrain;

    protected override bool HasWorkLeft => S.State == JobState.Running;

    public async Task<PretrainJobStatus> SubmitAsync(PretrainJobSpec spec)
    {
        JobPoints.ValidateJobId(JobId);
        PretrainJobs.Validate(spec);
        roots.Require(spec);
        if (S.Spec is not null)
        {
            if (S.Spec != spec) throw new ArgumentException($"pretrain job '{JobId}' already exists with a different spec; choose another job id");
            return Status();
        }
        if (DataSource.S2Folder(spec.Data) is { } folder && !Directory.Exists(folder))
            throw new DirectoryNotFoundException($"S2 dataset folder '{folder}' does not exist (it must be readable by every silo)");
        // Before the job exists: a DEST holding another settings' model is refused and left as it is.
        var claim = DestinationClaim.Pretrain.Of(JobId, PretrainJobs.ClaimSettings(spec), model: null);
        await CheckOnThisSiloAsync(() => DestinationClaim.Pretrain.ClaimAsync(stores.Open(spec.Destination), claim, spec.Overwrite));
        await BeginAsync(spec.Destination, DateTimeOffset.UtcNow, JobState.Running, () => S.Spec = spec);
        logger.LogInformation("Pretrain job {Job}: {Epochs} epochs on {Data} -> {Destination}", JobId, spec.Epochs, spec.Data, spec.Destination);
        return Status();
    }

    public Task<PretrainJobStatus> GetStatusAsync() => Task.FromResult(Status());

    public async Task<PretrainJobStatus> CancelAsync()
    {
        await CancelJobAsync();
        return Status();
    }

    public Task<PretrainJobStatus> ResumeAsync()
    {
        Resume();
        return Task.FromResult(Status());
    }

    private PretrainJobStatus Status() => new()
    {
        JobId = JobId,
        State = S.Spec is null ? JobState.Unknown : S.State,
        Destination = S.Spec?.Destination ?? "",
        CleaningUp = S.CleanupPending,
        Epochs = S.Spec?.Epochs ?? 0,
        EpochsDone = S.EpochsDone,
        Reports = [.. S.Reports],
        Attempts = S.Attempts,
        WorkerSilo = S.WorkerRunning ? _worker?.Silo : null,
        WorkerProcessId = S.WorkerRunning ? _worker?.ProcessId : null,
        DataName = S.DataName,
        Tiles = S.Tiles,
        Channels = S.Channels,
        Checkpoint = S.State == JobState.Completed ? $"{S.Spec!.Destination}/{SatClipTrainer.CheckpointFile}" : null,
        Error = S.Error,
    };

    protected override async Task AdvanceAsync()
    {
        if (S.WorkerRunning) await PollAsync();
        if (S.State == JobState.Running && !S.WorkerRunning) await StartAttemptAsync();
    }

    private IPretrainWorkerGrain Worker() => GrainFactory.GetGrain<IPretrainWorkerGrain>($"{JobId}/{S.Attempts}");

    private async Task PollAsync()
    {
        PretrainWorkerProgress progress;
        try
        {
            progress = await Worker().GetProgressAsync().WaitAsync(Options.PollTimeout);
            _pollFailingSince = null;
        }
        catch (Exception e) when (IsTransient(e))
        {
            // Until membership declares a dead silo dead, polls fail; after, they find a new, idle activation. A worker
            // that is only slow to answer keeps its run: a second writer of last.ckpt is never started beside it.
            if (DateTime.UtcNow - (_pollFailingSince ??= DateTime.UtcNow) < Options.TransientFailureLimit) return;
            progress = new PretrainWorkerProgress { State = ShardRunState.Idle, Error = $"its silo did not answer for {Options.TransientFailureLimit}: {e.Message}" };
        }
        bool changed = Record(progress);
        switch (progress.State)
        {
            case ShardRunState.Running:
                if (changed) await SaveAsync();
                break;
            case ShardRunState.Done:
                S.WorkerRunning = false;
                S.State = JobState.Completed;
                await SaveAsync();
                await Registry.UpdateAsync(JobId, JobState.Completed);
                StopTimer();
                logger.LogInformation("Pretrain job {Job} completed: {Epochs} epochs in {Attempts} attempt(s)", JobId, S.EpochsDone, S.Attempts);
                break;
            case ShardRunState.Failed when progress.Permanent:
                await FailAsync(progress.Error ?? "the run failed");
                break;
            default:
                // Idle: a new activation (its silo died). Failed: a run that may succeed again. Either way the next
                // attempt resumes from the stored checkpoint.
                S.WorkerRunning = false;
                S.LastFailure = progress.Error ?? "its silo died";
                await SaveAsync();
                logger.LogWarning("Pretrain job {Job}: attempt {Attempt} ended unfinished ({Reason}); {Done} epochs stored", JobId, S.Attempts, S.LastFailure, S.EpochsDone);
                break;
        }
    }

    /// <summary>Takes the dataset and the reports this job has not recorded yet; true when the durable state changed.</summary>
    private bool Record(PretrainWorkerProgress progress)
    {
        _worker = progress;
        bool changed = false;
        if (progress.DataName is not null && S.DataName is null)
        {
            (S.DataName, S.Tiles, S.Channels) = (progress.DataName, progress.Tiles, progress.Channels);
            changed = true;
        }
        foreach (var report in progress.Reports)
        {
            if (S.Reports.Any(r => r.Attempt == report.Attempt && r.Epoch == report.Epoch)) continue;
            S.Reports.Add(report);
            changed = true;
        }
        int done = Math.Max(progress.ResumedEpochs ?? 0, progress.Reports.Length == 0 ? 0 : progress.Reports.Max(r => r.Epoch) + 1);
        if (done > S.EpochsDone)
        {
            S.EpochsDone = done;
            changed = true;
        }
        return changed;
    }

    private async Task StartAttemptAsync()
    {
        if (S.Attempts >= MaxAttempts)
        {
            await FailAsync($"pretraining ended unfinished {S.Attempts} times (last: {S.LastFailure}); {S.EpochsDone} of {S.Spec!.Epochs} epochs are stored");
            return;
        }
        S.Attempts++;
        S.WorkerRunning = true;
        _worker = null;
        try
        {
            Record(await Worker().StartAsync(S.Spec!, S.Attempts).WaitAsync(Options.PollTimeout));
        }
        catch (Exception e) when (IsTransient(e))
        {
            // Not a run (see JobCoordinatorGrain): a start placed on a silo not yet declared dead fails at once. The next
            // tick starts the same worker key: a start that did reach a running worker returns its progress.
            S.Attempts--;
            S.WorkerRunning = false;
            logger.LogWarning("Pretrain job {Job}: starting attempt {Attempt} failed ({Error}); will retry", JobId, S.Attempts + 1, e.Message);
        }
        await SaveAsync();
    }

    /// <summary>
    /// A cancelled job: asks the worker to stop until it reports that it has (a worker whose silo is gone answers idle
    /// once membership declares it dead; until then it is asked again), and records the epochs it stored.
    /// </summary>
    protected override async Task<bool> StopRunningAsync()
    {
        if (!S.WorkerRunning) return true;
        var (_, progress) = (await StopEachAsync([Worker()], worker => worker.CancelAsync(), worker => worker.GetProgressAsync())).Single();
        if (progress is null or { State: ShardRunState.Running }) return false;
        Record(progress);
        S.WorkerRunning = false;
        await SaveAsync();
        logger.LogInformation("Pretrain job {Job}: attempt {Attempt} stopped ({State}); {Done} epochs stored", JobId, S.Attempts, progress.State, S.EpochsDone);
        return true;
    }

    /// <summary>An upload the cancel cut short: staged blocks on Azure, a partial file locally (of the epoch after the stored ones).</summary>
    protected override Func<Task> TemporaryDataRemoval()
    {
        var store = stores.Open(S.Spec!.Destination);
        string[] names = [SatClipTrainer.CheckpointFile, SatClipTrainer.OptimizerFile(S.EpochsDone)];
        return async () =>
        {
            foreach (var name in names) await store.DiscardUnfinishedAsync(name);
        };
    }

    protected override async Task OnFailingAsync()
    {
        if (!S.WorkerRunning) return;
        // A failed job leaves no writer of last.ckpt behind: a rerun onto the same DEST starts one of its own.
        try { await Worker().CancelAsync().WaitAsync(Options.PollTimeout); }
        catch (Exception e) when (IsTransient(e)) { } // its silo is gone: nothing runs there any more
        S.WorkerRunning = false;
    }
}
