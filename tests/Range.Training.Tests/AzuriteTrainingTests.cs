using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Storage;
using RangeOrleans.Testing;
using RangeOrleans.Training.Banks;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Encoders;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Training.Tests;

/// <summary>Checkpoints and bank shards in Azure Blob storage (Azurite): what <c>--output az://...</c> does.</summary>
public sealed class AzuriteTrainingTests : IClassFixture<AzuriteProcess>
{
    private static readonly SatClipTrainingOptions Tiny = new()
    {
        Epochs = 1, BatchSize = 8, TileSize = 8, VisionWidth = 8, VisionLayers = [1, 1], EmbedDim = 16, LegendrePolys = 4, Capacity = 16,
    };

    private readonly string _container = $"az://t{Guid.NewGuid():N}";
    private readonly AzuriteProcess _azurite;
    private readonly IBlobStore _store;

    public AzuriteTrainingTests(AzuriteProcess azurite)
    {
        _azurite = azurite;
        _store = BlobStores.Open($"{_container}/runs/model", azurite.ConnectionString);
    }

    [Fact]
    public async Task PretrainingResumesFromTheStoredCheckpointAndTheBankShardsAreBlobsWithTheirHashes()
    {
        using var work1 = new TempDir();
        using var work2 = new TempDir();
        var data = EarthImageryDataset.Sample(48, seed: 2);
        StoredSatClipTraining.Train(data, Tiny, _store, work1.Path);
        var resumed = StoredSatClipTraining.Train(data, Tiny with { Epochs = 2 }, _store, work2.Path);
        Assert.Equal(1, Assert.Single(resumed).Epoch);
        var names = new List<string>();
        await foreach (var blob in _store.ListAsync()) names.Add(blob.Name);
        Assert.Equal(["epoch-1.optim", "last.ckpt"], names.Order());

        using var keys = ImageEncoders.SatClip(work2.File("last.ckpt"));
        using var values = ImageEncoders.Mae(MaeTrainer.Train(data, new MaeTrainingOptions { Epochs = 1, TileSize = 8, FeatureDim = 8 }));
        var bankStore = BlobStores.Open($"{_container}/runs/bank", _azurite.ConnectionString);
        var bank = LocalBankJob.Run(data, keys, values, bankStore, shardSize: 20);
        Assert.Equal(48, bank.Count);
        var hashes = (await bankStore.ReadAllTextAsync(LocalBankJob.ShardHashesFile)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, hashes.Length);
        foreach (var line in hashes)
        {
            var parts = line.Split("  ");
            Assert.Equal(parts[0], await bankStore.Sha256Async(parts[1]));
        }
        Assert.True(await bankStore.ExistsAsync(LocalBankJob.BankFile));
        Assert.Equal(1L, TorchCheckpointReader.Read(work2.File("last.ckpt")).GetEntry("epoch"));
    }
}
