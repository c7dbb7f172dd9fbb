using RangeOrleans.Abstractions;
using RangeOrleans.Core.Banks;
using RangeOrleans.Storage;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Cluster.Tests;

/// <summary>A bank construction job on separate silo processes (Redis, Azurite), one silo killed while it runs.</summary>
public sealed class BankJobTests : IDisposable
{
    private readonly LocalCluster _cluster = new();
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"range-bankjob-{Guid.NewGuid():N}");

    [Fact]
    public async Task BankJobCompletesWithEveryShardRecordedWhenASiloIsKilled()
    {
        // Small frozen encoders, trained here; the silos read them from this folder.
        var data = EarthImageryDataset.Sample(64, seed: 4);
        var options = new SatClipTrainingOptions { Epochs = 1, BatchSize = 16, TileSize = 16, LegendrePolys = 4 };
        SatClipTrainer.Train(data, options, _work);
        var mae = Path.Combine(_work, "mae.ckpt");
        using (MaeTrainer.Train(data, new MaeTrainingOptions { Epochs = 1, TileSize = 16 }, mae)) { }

        await _cluster.StartSilosAsync(2);
        var (host, client) = await _cluster.ConnectAsync();
        using var connected = host;

        var spec = new BankJobSpec
        {
            Checkpoint = Path.Combine(_work, SatClipTrainer.CheckpointFile), Mae = mae, Data = "earth", Entries = 3000, Seed = 4,
            ShardSize = 100, Destination = "az://banks/failover",
        };
        var job = client.GetGrain<IBankJobGrain>("bank-failover");
        await job.SubmitAsync(spec);
        await WaitAsync(job, s => s.DoneShards >= 3 || s.IsFinal);
        Assert.False((await job.GetStatusAsync()).IsFinal, "the job ended before a silo could be killed: make it bigger");
        _cluster.Silos[1].Kill();

        var status = await WaitAsync(job, s => s.IsFinal);
        Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");
        Assert.Equal((30, 30, 3000L), (status.TotalShards, status.DoneShards, status.Entries));
        var store = BlobStores.Open("az://banks/failover", _cluster.Azurite.ConnectionString);
        var hashes = (await store.ReadAllTextAsync("shards.sha256")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(30, hashes.Length);
        foreach (var line in hashes)
        {
            var parts = line.Split("  ");
            Assert.Equal(parts[0], await store.Sha256Async(parts[1]));
        }
        Assert.Equal(status.BankSha256, await store.Sha256Async("bank.arrow"));
        var bank = ArrowBankFile.Read(new MemoryStream(await store.ReadAllBytesAsync("bank.arrow")), "bank.arrow");
        Assert.Equal(3000, bank.Count);
        await host.StopAsync();
    }

    private Task<BankJobStatus> WaitAsync(IBankJobGrain job, Func<BankJobStatus, bool> until) =>
        _cluster.WaitAsync(job.GetStatusAsync, until, "bank job");

    public void Dispose()
    {
        _cluster.Dispose();
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
    }
}
