using RangeOrleans.Core.Banks;
using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Storage;
using RangeOrleans.Training.Banks;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Encoders;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Training.Tests;

public sealed class PretrainingTests
{
    private static readonly SatClipTrainingOptions Tiny = new()
    {
        Epochs = 1, BatchSize = 8, TileSize = 8, VisionWidth = 8, VisionLayers = [1, 1], EmbedDim = 16, LegendrePolys = 4, Capacity = 16,
    };

    [Fact]
    public void ShortS2RunWritesACheckpointThatRangeEmbedLoadsAndResumes()
    {
        using var dir = new TempDir();
        var s2 = new S2Dataset(TestData.Data("s2_examples"));
        var reports = SatClipTrainer.Train(s2, Tiny, dir.Path);
        Assert.Single(reports);
        Assert.True(double.IsFinite(reports[0].TrainLoss) && double.IsFinite(reports[0].ValidationLoss));

        var checkpoint = TorchCheckpointReader.Read(dir.File("last.ckpt"));
        Assert.Equal(Core.Formats.TensorDType.Float64, TensorDTypeOf(checkpoint, "model.location.nnet.layers.0.weight"));
        Assert.Equal(Core.Formats.TensorDType.Float32, TensorDTypeOf(checkpoint, "model.visual.conv1.weight"));
        Assert.True(checkpoint.StateDict.ContainsKey("model.logit_scale"));
        Assert.Equal(12, checkpoint.GetInt("in_channels"));
        Assert.Equal("siren", checkpoint.GetString("pe_type"));

        using (var embedder = EmbedderLoader.Load(new EmbedderSpec(dir.File("last.ckpt"), EmbeddingModelKind.SatClip)))
        {
            var output = new float[16];
            embedder.Embed([2.35], [48.86], output);
            Assert.Contains(output, v => v != 0);
        }

        // Same folder, two epochs: resumes after epoch 0 and runs only epoch 1.
        var resumed = SatClipTrainer.Train(s2, Tiny with { Epochs = 2 }, dir.Path);
        Assert.Equal(1, Assert.Single(resumed).Epoch);
        Assert.Single(Directory.GetFiles(dir.Path, "*.optim"));
        Assert.Throws<ArgumentException>(() => SatClipTrainer.Train(s2, Tiny with { Epochs = 3, Seed = 5 }, dir.Path));
    }

    [Fact]
    public void TrainingIntoABlobStoreUploadsEachEpochAndResumesFromAFreshWorkFolder()
    {
        using var stored = new TempDir();
        using var work1 = new TempDir();
        using var work2 = new TempDir();
        var store = new LocalFolderBlobStore(stored.Path);
        var data = EarthImageryDataset.Sample(64, seed: 3);
        Assert.Single(StoredSatClipTraining.Train(data, Tiny, store, work1.Path));
        Assert.True(File.Exists(stored.File("last.ckpt")));
        Assert.Equal(["epoch-0.optim"], Directory.GetFiles(stored.Path, "*.optim").Select(Path.GetFileName));

        // Another machine (an empty work folder) picks up the stored checkpoint and runs only epoch 1.
        var resumed = StoredSatClipTraining.Train(data, Tiny with { Epochs = 2 }, store, work2.Path);
        Assert.Equal(1, Assert.Single(resumed).Epoch);
        Assert.Equal(["epoch-1.optim"], Directory.GetFiles(stored.Path, "*.optim").Select(Path.GetFileName));
        Assert.Equal(File.ReadAllBytes(work2.File("last.ckpt")), File.ReadAllBytes(stored.File("last.ckpt")));
        Assert.Equal(1L, TorchCheckpointReader.Read(stored.File("last.ckpt")).GetEntry("epoch"));

        // A stored checkpoint without its optimiser state is refused, not silently restarted.
        File.Delete(stored.File("epoch-1.optim"));
        using var work3 = new TempDir();
        Assert.Throws<RangeOrleans.Core.Formats.RangeFormatException>(() => StoredSatClipTraining.Train(data, Tiny with { Epochs = 3 }, store, work3.Path));
    }

    [Fact]
    public void TrainingIsDeterministicUnderASeed()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        var data = EarthImageryDataset.Sample(64, seed: 3);
        var ra = SatClipTrainer.Train(data, Tiny, a.Path);
        var rb = SatClipTrainer.Train(data, Tiny, b.Path);
        Assert.Equal(ra[0].TrainLoss, rb[0].TrainLoss);
        Assert.Equal(ra[0].ValidationLoss, rb[0].ValidationLoss);
        var ca = TorchCheckpointReader.Read(a.File("last.ckpt"));
        var cb = TorchCheckpointReader.Read(b.File("last.ckpt"));
        // Same up to the last bits that multi-threaded reductions may order differently.
        foreach (var (name, t) in ca.StateDict)
        {
            var x = t.ToDoubleArray();
            var y = cb.StateDict[name].ToDoubleArray();
            for (int i = 0; i < x.Length; i++) Assert.True(Math.Abs(x[i] - y[i]) <= 1e-5 * (1 + Math.Abs(x[i])), $"{name}[{i}]: {x[i]} vs {y[i]}");
        }
    }

    [Fact]
    public void ShardedBankEqualsOneShotBankAndRoundTripsThroughNpz()
    {
        using var dir = new TempDir();
        var data = EarthImageryDataset.Sample(100, seed: 1);
        SatClipTrainer.Train(data, Tiny, dir.Path);
        using var keys = ImageEncoders.SatClip(dir.File("last.ckpt"));
        using var values = ImageEncoders.Mae(MaeTrainer.Train(data, new MaeTrainingOptions { Epochs = 1, TileSize = 8, FeatureDim = 32 }, dir.File("mae.ckpt")));
        var whole = BankBuilder.BuildShard(data, new BankShard(0, 0, 100), keys, values);
        var sharded = LocalBankJob.Run(data, keys, values, dir.File("bank"), shardSize: 30);
        Assert.Equal(4, Directory.GetFiles(dir.File("bank/shards")).Length);
        // Every shard's SHA-256 is recorded; a rerun finds them finished, and a corrupted shard is rebuilt.
        var hashes = File.ReadAllLines(dir.File("bank/shards.sha256"));
        Assert.Equal(4, hashes.Length);
        Assert.Contains($"{ContentHash.OfFile(dir.File("bank/shards/shard-00002.arrow"))}  shards/shard-00002.arrow", hashes);
        File.WriteAllText(dir.File("bank/shards/shard-00001.arrow"), "not a bank");
        var log = new List<string>();
        var again = LocalBankJob.Run(data, keys, values, dir.File("bank"), shardSize: 30, log: log.Add);
        Assert.Equal(3, log.Count(l => l.Contains("already built")));
        Assert.Equal(sharded.Keys, again.Keys);
        Assert.Equal((100, 16, 32), (sharded.Count, sharded.KeyDim, sharded.ValueDim));
        Assert.Equal(whole.Lon, sharded.Lon);
        for (int i = 0; i < whole.Keys.Length; i++) Assert.Equal(whole.Keys[i], sharded.Keys[i], 4);
        for (int i = 0; i < whole.Values.Length; i++) Assert.Equal(whole.Values[i], sharded.Values[i], 4);

        RangeDatabaseNpz.Export(sharded, dir.File("bank.npz"));
        var back = RangeDatabaseNpz.Import(dir.File("bank.npz"));
        Assert.Equal(sharded.Keys, back.Keys);
        using var reloaded = ImageEncoders.Mae(dir.File("mae.ckpt"));
        Assert.Equal(32, reloaded.Dimension);
    }

    private static Core.Formats.TensorDType TensorDTypeOf(TorchCheckpoint c, string name) => c.StateDict[name].DType;
}
