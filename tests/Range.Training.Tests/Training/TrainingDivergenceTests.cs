using RangeOrleans.Training.Data;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Training.Tests.Training;

public sealed class TrainingDivergenceTests
{
    private static readonly SatClipTrainingOptions TinySatClip = new()
    {
        Epochs = 2, BatchSize = 8, TileSize = 8, VisionWidth = 8, VisionLayers = [1, 1], EmbedDim = 16, LegendrePolys = 4, Capacity = 16,
    };

    [Fact]
    public void ANonFiniteSatClipLossStopsTrainingNamingTheEpochAndBatchAndWritesNoCheckpoint()
    {
        using var dir = new TempDir();
        var data = new PoisonedDataset(EarthImageryDataset.Sample(40, seed: 2), poisoned: 5);

        var error = Assert.Throws<TrainingDivergedException>(() => SatClipTrainer.Train(data, TinySatClip, dir.Path));

        Assert.Matches(@"^SatCLIP training diverged: loss is NaN at epoch 1, batch \d+; nothing of this epoch was written", error.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void ANonFiniteMaskedAutoencoderLossStopsTrainingAndWritesNoCheckpoint()
    {
        using var dir = new TempDir();
        var data = new PoisonedDataset(EarthImageryDataset.Sample(40, seed: 2), poisoned: 5);
        var options = new MaeTrainingOptions { Epochs = 1, BatchSize = 8, TileSize = 8, FeatureDim = 16 };

        var error = Assert.Throws<TrainingDivergedException>(() => MaeTrainer.Train(data, options, dir.File("mae.ckpt")));

        Assert.StartsWith("masked-autoencoder training diverged: loss is NaN at epoch 1, batch ", error.Message);
        Assert.False(File.Exists(dir.File("mae.ckpt")));
    }

    /// <summary>A real dataset with one entry whose tile is NaN (as a corrupt image could give).</summary>
    private sealed class PoisonedDataset(IGeoTileDataset inner, int poisoned) : IGeoTileDataset
    {
        public string Name => inner.Name;
        public int Count => inner.Count;
        public int Channels => inner.Channels;
        public int NativeTileSize => inner.NativeTileSize;
        public double Lon(int index) => inner.Lon(index);
        public double Lat(int index) => inner.Lat(index);
        public bool SupportsTileSize(int size) => inner.SupportsTileSize(size);

        public void ReadTile(int index, int size, Span<float> output)
        {
            inner.ReadTile(index, size, output);
            if (index == poisoned) output.Fill(float.NaN);
        }
    }
}
