using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Hosting;
using RangeOrleans.Storage;
using RangeOrleans.Testing;
using Xunit.Abstractions;

namespace RangeOrleans.Cluster.Tests;

/// <summary>A pretrain job on three separate silo processes (Redis, Azurite); the silo training it killed once an epoch is stored.</summary>
public sealed class PretrainJobTests(ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);
    private readonly AzuriteProcess _azurite = new();
    private readonly RedisProcess _redis = new();
    private readonly List<SiloProcess> _silos = [];
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"range-pretrainjob-{Guid.NewGuid():N}");

    [Fact]
    public async Task PretrainJobCompletesEveryEpochOnceWhenTheSiloTrainingItIsKilled()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _silos.AddRange(Enumerable.Range(0, 3).Select(_ => new SiloProcess(_redis.ConnectionString, _azurite.ConnectionString)));
        await Task.WhenAll(_silos.Select(s => s.WaitStartedAsync()));
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(c => c.AddRangeClient(new RangeClusterOptions { Redis = _redis.ConnectionString }));
        using var host = builder.Build();
        await host.StartAsync();
        log.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: 3 silos and a client started");
        var client = host.Services.GetRequiredService<IClusterClient>();

        var spec = new PretrainJobSpec
        {
            Data = "earth", Entries = 120, Epochs = 3, BatchSize = 32, Seed = 7, LearningRate = 1e-4, TileSize = 8, LegendrePolys = 4,
            Destination = "az://models/failover",
        };
        var job = client.GetGrain<IPretrainJobGrain>("pretrain-failover");
        await job.SubmitAsync(spec);
        var running = await WaitAsync(job, s => s.EpochsDone >= 1 && s.WorkerProcessId is not null || s.IsFinal);
        Assert.False(running.IsFinal, "the job ended before its silo could be killed: give it more epochs");
        var worker = _silos.Single(s => s.Id == running.WorkerProcessId);
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
        var store = BlobStores.Open(spec.Destination, _azurite.ConnectionString);
        Assert.Equal($"{spec.Destination}/last.ckpt", status.Checkpoint);
        var names = new List<string>();
        await foreach (var blob in store.ListAsync()) names.Add(blob.Name);
        Assert.Equal(["epoch-2.optim", "last.ckpt"], names.Order());
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

    private async Task<PretrainJobStatus> WaitAsync(IPretrainJobGrain job, Func<PretrainJobStatus, bool> until)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        PretrainJobStatus? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await job.GetStatusAsync();
                if (until(last)) return last;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException) { } // the silo holding the job grain just died
            await Task.Delay(200);
        }
        throw new TimeoutException($"pretrain job did not get there in {JobTimeout}: last status {last}; silo logs: {string.Join(" || ", _silos.Select(s => s.Tail()))}");
    }

    public void Dispose()
    {
        foreach (var silo in _silos) silo.Dispose();
        _redis.Dispose();
        _azurite.Dispose();
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
    }
}
