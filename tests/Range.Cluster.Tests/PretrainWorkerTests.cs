using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Formats.Checkpoint;

namespace RangeOrleans.Cluster.Tests;

/// <summary>A pretrain worker grain in an in-process silo: cancelling it or deactivating it stops its run, and what it stored stays.</summary>
public sealed class PretrainWorkerTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _dest = Path.Combine(Path.GetTempPath(), $"range-pretrainworker-{Guid.NewGuid():N}");

    [Fact]
    public async Task CancellingOrDeactivatingAWorkerStopsItsRunAndTheNextRunResumesAfterTheStoredEpochs()
    {
        using var host = await InProcessSilo.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var spec = new PretrainJobSpec
        {
            Data = "earth", Entries = 48, Epochs = 1000, BatchSize = 16, LearningRate = 1e-4, TileSize = 8, LegendrePolys = 4, Destination = _dest,
        };

        var first = grains.GetGrain<IPretrainWorkerGrain>("stop/1");
        await first.StartAsync(spec, 1);
        await WaitAsync(first, p => p.Reports.Length >= 1);
        await first.CancelAsync();
        var cancelled = await WaitAsync(first, p => p.State != ShardRunState.Running);
        Assert.Equal((ShardRunState.Cancelled, "cancelled", false), (cancelled.State, cancelled.Error, cancelled.Permanent));
        int stored = StoredEpochs();
        Assert.Equal(cancelled.Reports.Length, stored); // an epoch counts once stored; the run stops between epochs' batches
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(stored, StoredEpochs());

        var second = grains.GetGrain<IPretrainWorkerGrain>("stop/2");
        await second.StartAsync(spec, 2);
        var resumed = await WaitAsync(second, p => p.Reports.Length >= 1);
        Assert.Equal(stored, resumed.ResumedEpochs);
        Assert.Equal(stored, resumed.Reports[0].Epoch);
        Assert.Equal(2, resumed.Reports[0].Attempt);

        // Deactivation (here: collected as idle) cancels the run before the activation goes; a new one is idle.
        await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(ShardRunState.Idle, (await second.GetProgressAsync()).State);
        int storedAtDeactivation = StoredEpochs();
        Assert.InRange(storedAtDeactivation, stored + 1, spec.Epochs - 1);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(storedAtDeactivation, StoredEpochs());
        await host.StopAsync();
    }

    private int StoredEpochs() => checked((int)(long)TorchCheckpointReader.Read(Path.Combine(_dest, "last.ckpt")).GetEntry("epoch")!) + 1;

    private static async Task<PretrainWorkerProgress> WaitAsync(IPretrainWorkerGrain worker, Func<PretrainWorkerProgress, bool> until)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var progress = await worker.GetProgressAsync();
            if (until(progress)) return progress;
            if (progress.State == ShardRunState.Failed) throw new InvalidOperationException($"the run failed: {progress.Error}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the worker did not get there in {Timeout}: {progress.State}, {progress.Reports.Length} epochs");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_dest, recursive: true); } catch (IOException) { }
    }
}
