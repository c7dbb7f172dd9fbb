using RangeOrleans.Abstractions;
using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Storage;
using RangeOrleans.Training.Training;
using Xunit.Abstractions;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// Pretrain jobs on separate silo processes (Redis, Azurite): the silo training one killed once an epoch is stored;
/// a whole-cluster restart and a cancel.
/// </summary>
public sealed class PretrainJobTests(ITestOutputHelper log) : IDisposable
{
    private readonly LocalCluster _cluster = new();
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"range-pretrainjob-{Guid.NewGuid():N}");

    [Fact]
    public async Task PretrainJobCompletesEveryEpochOnceWhenTheSiloTrainingItIsKilled()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await _cluster.StartSilosAsync(3);
        var (host, client) = await _cluster.ConnectAsync();
        using var connected = host;
        log.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: 3 silos and a client started");

        var spec = new PretrainJobSpec
        {
            Data = "earth", Entries = 120, Epochs = 3, BatchSize = 32, Seed = 7, LearningRate = 1e-4, TileSize = 8, LegendrePolys = 4,
            Destination = "az://models/failover",
        };
        var job = client.GetGrain<IPretrainJobGrain>("pretrain-failover");
        await job.SubmitAsync(spec);
        var running = await WaitAsync(job, s => s.EpochsDone >= 1 && s.WorkerProcessId is not null || s.IsFinal);
        Assert.False(running.IsFinal, "the job ended before its silo could be killed: give it more epochs");
        var worker = _cluster.Silos.Single(s => s.Id == running.WorkerProcessId);
        var workFoldersInUse = WorkFolders().Where(IsLocked).ToList();
        Assert.NotEmpty(workFoldersInUse);
        worker.Kill();
        int storedAtKill = running.EpochsDone;
        log.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: killed silo {worker.Id} (attempt {running.Attempts}) with {storedAtKill} epoch(s) stored");

        var status = await WaitAsync(job, s => s.IsFinal);
        log.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {status.State} in {status.Attempts} attempts; reports: " +
            string.Join("; ", status.Reports.Select(r => $"attempt {r.Attempt} epoch {r.Epoch + 1} ({r.Elapsed.TotalSeconds:F1} s)")));
        Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");
        Assert.Equal((3, 3), (status.Epochs, status.EpochsDone));
        Assert.True(status.Attempts >= 2, $"{status.Attempts} attempt(s): the kill should have cost one");

        // The killed run's work folder went when the next run started on this machine.
        Assert.All(workFoldersInUse, f => Assert.False(Directory.Exists(f) && !IsLocked(f), $"{f} was left behind"));

        // No epoch trained twice: each epoch reported once, and the attempt after the kill began after the stored epochs.
        var epochs = status.Reports.Select(r => r.Epoch).ToList();
        Assert.Equal(epochs.Distinct().Order(), epochs);
        var resumed = status.Reports.First(r => r.Attempt > 1);
        Assert.True(resumed.Epoch >= storedAtKill, $"attempt {resumed.Attempt} trained epoch {resumed.Epoch + 1} again; {storedAtKill} were stored when the silo died");
        Assert.All(status.Reports.Where(r => r.Attempt == 1), r => Assert.True(r.Epoch < resumed.Epoch));
        Assert.Equal(2, status.Reports[^1].Epoch);

        // The stored checkpoint has all three epochs' steps (one epoch's worth each) and loads as a SatCLIP model.
        var store = BlobStores.Open(spec.Destination, _cluster.Azurite.ConnectionString);
        Assert.Equal($"{spec.Destination}/last.ckpt", status.Checkpoint);
        var names = new List<string>();
        await foreach (var blob in store.ListAsync()) names.Add(blob.Name);
        Assert.Equal(["epoch-2.optim", "job.json", "last.ckpt"], names.Order()); // job.json: the DEST claim
        Directory.CreateDirectory(_work);
        var checkpointPath = Path.Combine(_work, "last.ckpt");
        await File.WriteAllBytesAsync(checkpointPath, await store.ReadAllBytesAsync("last.ckpt"));
        var checkpoint = TorchCheckpointReader.Read(checkpointPath);
        Assert.Equal(2L, checkpoint.GetEntry("epoch"));
        Assert.Equal(3 * status.Reports.Single(r => r.Epoch == 0).GlobalStep, checkpoint.GetEntry("global_step"));
        using (var embedder = EmbedderLoader.Load(new EmbedderSpec(checkpointPath, EmbeddingModelKind.SatClip)))
        {
            var output = new float[2 * embedder.Dimension];
            embedder.Embed([10.0, -70.0], [20.0, -30.0], output);
            Assert.All(output, v => Assert.True(float.IsFinite(v)));
            Assert.Contains(output, v => v != 0);
        }

        // The record is durable: once the job grain's activation is collected, a new one reads the same back from Redis.
        var management = client.GetGrain<IManagementGrain>(0);
        async Task<bool> ActiveAsync() => (await management.GetActiveGrains(GrainType.Create("pretrainjob"))).Any(g => g.Key.ToString() == "pretrain-failover");
        Assert.True(await ActiveAsync());
        await Task.Delay(TimeSpan.FromSeconds(1));
        await management.ForceActivationCollection(TimeSpan.FromMilliseconds(500));
        Assert.False(await ActiveAsync());
        var reloaded = await job.GetStatusAsync();
        Assert.Equal((status.State, status.EpochsDone, status.Attempts, status.Checkpoint), (reloaded.State, reloaded.EpochsDone, reloaded.Attempts, reloaded.Checkpoint));
        Assert.Equal(status.Reports, reloaded.Reports);

        // Submitting is idempotent for the same spec; a different spec under the same id is refused.
        Assert.Equal(JobState.Completed, (await job.SubmitAsync(spec)).State);
        await Assert.ThrowsAsync<ArgumentException>(() => job.SubmitAsync(spec with { Epochs = 4 }));
        await host.StopAsync();
    }

    [Fact]
    public async Task APretrainJobResumesAfterAWholeClusterRestartAndItsCancelStopsTheWorkerKeepingTheStoredEpochs()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await _cluster.StartSilosAsync(1);
        var spec = new PretrainJobSpec
        {
            Data = "earth", Entries = 48, Epochs = 1000, BatchSize = 16, Seed = 7, LearningRate = 1e-4, TileSize = 8, LegendrePolys = 4,
            Destination = "az://models/cancel",
        };
        var store = BlobStores.Open(spec.Destination, _cluster.Azurite.ConnectionString);
        var (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            var first = client.GetGrain<IPretrainJobGrain>("pretrain-cancel");
            await first.SubmitAsync(spec);
            Assert.False((await WaitAsync(first, s => s.EpochsDone >= 1 || s.IsFinal)).IsFinal, "the job ended before the restart");
            _cluster.KillAllSilos();
        }
        int optimizerAtKill = await LatestOptimizerEpochAsync(store);
        log.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: the cluster killed with epoch-{optimizerAtKill}.optim stored");

        // A new silo resumes the job with no client asking about it: a later epoch is stored.
        await _cluster.StartSilosAsync(1);
        await _cluster.WaitAsync(() => LatestOptimizerEpochAsync(store), epoch => epoch > optimizerAtKill, "an epoch stored after the restart");
        log.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: the job resumed after the restart");

        (host, client) = await _cluster.ConnectAsync();
        using var connected = host;
        var job = client.GetGrain<IPretrainJobGrain>("pretrain-cancel");
        var cancelled = await _cluster.WaitAsync(job.CancelAsync, _ => true, "cancelling the job");
        Assert.Equal(JobState.Cancelled, cancelled.State);
        var status = await WaitAsync(job, s => !s.CleaningUp);
        log.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: cancelled with {status.EpochsDone} epochs stored in {status.Attempts} attempts");
        Assert.True(status.State == JobState.Cancelled && status.Error is null, $"{status.State}: {status.Error}");
        Assert.True(status.Attempts >= 2, $"{status.Attempts} attempt(s): the restart should have cost one");
        Assert.Null(status.WorkerSilo);

        // The worker has stopped, and what it stored is kept: the job's epochs are DEST's, and no more come.
        var worker = await client.GetGrain<IPretrainWorkerGrain>($"pretrain-cancel/{status.Attempts}").GetProgressAsync();
        Assert.Equal((ShardRunState.Cancelled, "cancelled"), (worker.State, worker.Error));
        int stored = await StoredEpochsAsync(store);
        Assert.Equal(status.EpochsDone, stored);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(stored, await StoredEpochsAsync(store));
        static object Summary(PretrainJobStatus s) => (s.State, s.EpochsDone, s.Attempts, s.Reports.Length, s.CleaningUp, s.Error);
        Assert.Equal(Summary(status), Summary(await job.GetStatusAsync()));
        Assert.Equal(Summary(status), Summary(await job.CancelAsync()));
        var listed = await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).FindAsync("pretrain-cancel");
        Assert.Equal((JobKind.Pretrain, JobState.Cancelled), (listed!.Kind, listed.State));

        // A job with the same settings onto the same DEST, under a new id, resumes after the stored epochs.
        var rerun = client.GetGrain<IPretrainJobGrain>("pretrain-rerun");
        await rerun.SubmitAsync(spec with { Epochs = stored + 1 });
        var rerunStatus = await WaitAsync(rerun, s => s.IsFinal);
        Assert.True(rerunStatus.State == JobState.Completed, $"{rerunStatus.State}: {rerunStatus.Error}");
        Assert.Equal(stored, Assert.Single(rerunStatus.Reports).Epoch);
        Assert.Equal(stored + 1, await StoredEpochsAsync(store));
        log.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: the rerun trained epoch {stored + 1} only");
        await host.StopAsync();
    }

    /// <summary>The epochs DEST's last.ckpt has finished.</summary>
    private async Task<int> StoredEpochsAsync(IBlobStore store)
    {
        Directory.CreateDirectory(_work);
        var path = Path.Combine(_work, $"stored-{Guid.NewGuid():N}.ckpt");
        await File.WriteAllBytesAsync(path, await store.ReadAllBytesAsync(SatClipTrainer.CheckpointFile));
        return checked((int)(long)TorchCheckpointReader.Read(path).GetEntry("epoch")!) + 1;
    }

    /// <summary>The highest N of DEST's epoch-N.optim blobs (-1 when there is none): it rises with every epoch stored.</summary>
    private static async Task<int> LatestOptimizerEpochAsync(IBlobStore store)
    {
        int latest = -1;
        await foreach (var blob in store.ListAsync("epoch-"))
            if (blob.Name.EndsWith(".optim", StringComparison.Ordinal)) latest = Math.Max(latest, int.Parse(blob.Name["epoch-".Length..^".optim".Length]));
        return latest;
    }

    private static IEnumerable<string> WorkFolders()
    {
        var root = Path.Combine(Path.GetTempPath(), "range-work");
        return Directory.Exists(root) ? Directory.EnumerateDirectories(root, "pretrain-*") : [];
    }

    // A run holds its folder's .lock exclusively; the lock goes with its process.
    private static bool IsLocked(string folder)
    {
        try
        {
            using (new FileStream(Path.Combine(folder, ".lock"), FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
            return false;
        }
        catch (FileNotFoundException) { return false; }
        catch (DirectoryNotFoundException) { return false; }
        catch (IOException) { return true; }
    }

    private Task<PretrainJobStatus> WaitAsync(IPretrainJobGrain job, Func<PretrainJobStatus, bool> until) =>
        _cluster.WaitAsync(job.GetStatusAsync, until, "pretrain job");

    public void Dispose()
    {
        _cluster.Dispose();
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
    }
}
