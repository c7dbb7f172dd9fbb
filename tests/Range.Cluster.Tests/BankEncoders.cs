using RangeOrleans.Abstractions;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// Small frozen encoders for bank jobs (a SatCLIP checkpoint for the keys, an MAE for the values, 16 px tiles), trained
/// once per test class into a temporary folder the silos read.
/// </summary>
public sealed class BankEncoders : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"range-bankencoders-{Guid.NewGuid():N}");

    public BankEncoders()
    {
        var data = DataSource.Open("earth", entries: 64, seed: 4);
        SatClipTrainer.Train(data, new SatClipTrainingOptions { Epochs = 1, BatchSize = 16, TileSize = 16, LegendrePolys = 4 }, _folder);
        using (MaeTrainer.Train(data, new MaeTrainingOptions { Epochs = 1, TileSize = 16 }, Mae)) { }
    }

    private string Mae => Path.Combine(_folder, "mae.ckpt");

    /// <summary>A bank of <paramref name="entries"/> Earth entries in shards of <paramref name="shardSize"/>.</summary>
    public BankJobSpec Spec(int entries, int shardSize, string destination) => new()
    {
        Checkpoint = Path.Combine(_folder, SatClipTrainer.CheckpointFile), Mae = Mae, Data = "earth", Entries = entries, Seed = 4,
        ShardSize = shardSize, Destination = destination,
    };

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
