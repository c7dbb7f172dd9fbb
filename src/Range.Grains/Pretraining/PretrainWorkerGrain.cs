using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Runtime;
using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Grains.Pretraining;

/// <summary>
/// One attempt of a pretrain job, placed at random. Runs <see cref="StoredSatClipTraining.Train"/> on a thread of its own
/// (not in a grain call: calls time out after 30 s, and an epoch takes minutes) in a fresh <see cref="PretrainWorkFolder"/>
/// under the silo's temp folder, removed when the run ends; the job's destination gets last.ckpt after every epoch. Progress lives in
/// memory only: a new activation (after its silo died) reports Idle and the job starts another attempt. Deactivation
/// cancels the run between batches. Its DEST and an s2: dataset's every tile are checked against this silo's roots
/// before any is opened.
/// </summary>
[RandomPlacement]
public sealed class PretrainWorkerGrain(IBlobStoreFactory stores, AllowedRoots roots, ILocalSiloDetails silo, ILogger<PretrainWorkerGrain> logger)
    : Grain, IPretrainWorkerGrain
{
    private readonly Lock _gate = new();
    private PretrainWorkerProgress _progress = new() { State = ShardRunState.Idle, Silo = silo.SiloAddress.ToString(), ProcessId = Environment.ProcessId };
    private CancellationTokenSource? _cancellation;
    private Task? _run;

    public Task<PretrainWorkerProgress> StartAsync(PretrainJobSpec spec, int attempt)
    {
        lock (_gate)
        {
            if (_run is not null) return Task.FromResult(_progress);
            _cancellation = new CancellationTokenSource();
            var token = _cancellation.Token;
            _progress = _progress with { State = ShardRunState.Running };
            // The default scheduler, not the grain's: the run must not hold this activation's turn.
            var worker = this.GetPrimaryKeyString();
            _run = Task.Factory.StartNew(() => Run(worker, spec, attempt, token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            return Task.FromResult(_progress);
        }
    }

    public Task<PretrainWorkerProgress> GetProgressAsync()
    {
        lock (_gate) return Task.FromResult(_progress);
    }

    public Task CancelAsync()
    {
        lock (_gate) _cancellation?.Cancel();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Task? run;
        lock (_gate)
        {
            _cancellation?.Cancel();
            run = _run;
        }
        if (run is null) return;
        try { await run.WaitAsync(cancellationToken); } // the run stops at its next batch and removes its work folder
        catch (OperationCanceledException) { return; }
        _cancellation?.Dispose();
    }

    private void Run(string worker, PretrainJobSpec spec, int attempt, CancellationToken cancellationToken)
    {
        PretrainWorkFolder? work = null;
        Shards.ComputeThreads.LowerCurrentThreadPriority(); // as shard compute: the silo's own threads come first
        try
        {
            roots.Require(spec);
            roots.RequireDataFiles(spec.Data);
            work = PretrainWorkFolder.Create(out var removed);
            foreach (var folder in removed) logger.LogInformation("Pretrain {Worker}: removed {Folder}, left by a run that was killed", worker, folder);
            var data = DataSource.Open(spec.Data, spec.Entries, spec.Seed);
            Update(p => p with { DataName = data.Name, Tiles = data.Count, Channels = data.Channels });
            StoredSatClipTraining.Train(data, PretrainJobs.TrainingOptions(spec), stores.Open(spec.Destination), work.Path,
                onEpoch: report =>
                {
                    Update(p => p with { Reports = [.. p.Reports, PretrainJobs.Report(report, attempt)] });
                    logger.LogInformation("Pretrain {Worker}: {Report}", worker, report);
                },
                onResumed: epochs => Update(p => p with { ResumedEpochs = epochs }),
                cancellationToken: cancellationToken);
            Update(p => p with { State = ShardRunState.Done });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Update(p => p with { State = ShardRunState.Cancelled, Error = "cancelled" });
        }
        catch (Exception e)
        {
            bool permanent = DeterministicFailures.IsDeterministic(e);
            logger.LogWarning(e, "Pretrain {Worker} failed", worker);
            Update(p => p with { State = ShardRunState.Failed, Error = $"{e.GetType().Name}: {e.Message}", Permanent = permanent });
        }
        finally
        {
            try { work?.Dispose(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { logger.LogWarning("Pretrain {Worker}: could not remove {Folder}: {Error}", worker, work!.Path, e.Message); }
        }
    }

    private void Update(Func<PretrainWorkerProgress, PretrainWorkerProgress> change)
    {
        lock (_gate) _progress = change(_progress);
    }
}
