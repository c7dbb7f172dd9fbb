using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Runtime;
using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Shards;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Grains.Pretraining;

/// <summary>
/// One attempt of a pretrain job, placed at random. Runs <see cref="StoredSatClipTraining.Train"/> as a
/// <see cref="ShardRunGrain"/> run, on a thread of its own (not in a grain call: calls time out after 30 s; not on the
/// silo's compute threads, which it would hold for minutes an epoch) in a fresh <see cref="PretrainWorkFolder"/>
/// under the silo's temp folder, removed when the run ends; the job's destination gets last.ckpt after every epoch. Progress lives in
/// memory only: a new activation (after its silo died) reports Idle and the job starts another attempt. Deactivation
/// cancels the run between batches. Its DEST and an s2: dataset's every tile are checked against this silo's roots
/// before any is opened.
/// </summary>
[RandomPlacement]
public sealed class PretrainWorkerGrain(IBlobStoreFactory stores, AllowedRoots roots, ILocalSiloDetails silo, ILogger<PretrainWorkerGrain> logger)
    : ShardRunGrain, IPretrainWorkerGrain
{
    private PretrainWorkerProgress _progress = new() { State = ShardRunState.Idle, Silo = silo.SiloAddress.ToString(), ProcessId = Environment.ProcessId };

    public Task<PretrainWorkerProgress> StartAsync(PretrainJobSpec spec, int attempt)
    {
        lock (Gate)
        {
            if (_progress.State != ShardRunState.Idle) return Task.FromResult(_progress); // this activation's one run
            _progress = _progress with { State = ShardRunState.Running };
            var worker = this.GetPrimaryKeyString();
            StartRun(OnThreadOfItsOwn, token =>
            {
                Run(worker, spec, attempt, token);
                return Task.CompletedTask;
            });
            return Task.FromResult(_progress);
        }
    }

    public Task<PretrainWorkerProgress> GetProgressAsync()
    {
        lock (Gate) return Task.FromResult(_progress);
    }

    /// <summary>A dedicated thread of the default scheduler: not the grain's, whose turn the run must not hold, nor the silo's compute threads.</summary>
    private static Task OnThreadOfItsOwn(Func<Task> run) =>
        Task.Factory.StartNew(run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private void Run(string worker, PretrainJobSpec spec, int attempt, CancellationToken cancellationToken)
    {
        PretrainWorkFolder? work = null;
        ComputeThreads.LowerCurrentThreadPriority(); // as shard compute: the silo's own threads come first
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
        lock (Gate) _progress = change(_progress);
    }
}
