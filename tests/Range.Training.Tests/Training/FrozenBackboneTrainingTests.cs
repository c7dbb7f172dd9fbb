using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Encoders;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Training.Tests.Training;

/// <summary>
/// The reference's frozen-backbone mode (SatCLIP moco_resnet18): a ResNet state dict in torchvision naming, written here
/// name by name as torchvision's resnet18 names them (two stages, width 8, 5 input channels), frozen while fc and the
/// location encoder train.
/// </summary>
public sealed class FrozenBackboneTrainingTests
{
    private static readonly SatClipTrainingOptions Tiny = new()
    {
        Epochs = 2, BatchSize = 16, TileSize = 16, EmbedDim = 16, LegendrePolys = 4, Capacity = 16,
    };

    [Fact]
    public void AFrozenTorchvisionResNetStaysBitIdenticalWhileItsFcAndTheLocationEncoderTrain()
    {
        using var dir = new TempDir();
        var weights = TorchvisionStateDict.Create(inChannels: 5);
        TorchvisionStateDict.Write(dir.File("resnet.pth"), weights);
        var data = EarthImageryDataset.Sample(96, seed: 3);
        var options = Tiny with { VisionBackbone = dir.File("resnet.pth") };

        Directory.CreateDirectory(dir.File("untrained"));
        SatClipTrainer.Train(data, options with { Epochs = 0 }, dir.File("untrained"));
        var reports = SatClipTrainer.Train(data, options, dir.File("trained"));
        Assert.Equal(2, reports.Count);
        Assert.All(reports, r => Assert.True(double.IsFinite(r.TrainLoss) && double.IsFinite(r.ValidationLoss)));

        var untrained = TorchCheckpointReader.Read(dir.File("untrained/last.ckpt"));
        var trained = TorchCheckpointReader.Read(dir.File("trained/last.ckpt"));
        foreach (var (name, stored) in weights.Where(w => !w.Key.StartsWith("fc.", StringComparison.Ordinal)))
        {
            Assert.Equal(stored.Data, trained.StateDict["model.visual." + name].Data); // bit-identical: element-wise equality of the raw arrays
            Assert.Equal(stored.Data, untrained.StateDict["model.visual." + name].Data);
        }
        foreach (var name in new[] { "model.visual.fc.weight", "model.visual.fc.bias", "model.location.nnet.layers.0.weight", "model.logit_scale" })
            Assert.NotEqual(untrained.StateDict[name].ToDoubleArray(), trained.StateDict[name].ToDoubleArray());
        Assert.Equal("torchvision_resnet", trained.GetString("vision_type"));
        Assert.Equal("resnet.pth", trained.GetString("vision_backbone"));

        // range embed reads the location encoder; a bank can rebuild the image tower from the checkpoint alone.
        using (var embedder = EmbedderLoader.Load(new EmbedderSpec(dir.File("trained/last.ckpt"), EmbeddingModelKind.SatClip)))
        {
            var output = new float[16];
            embedder.Embed([2.35], [48.86], output);
            Assert.Contains(output, v => v != 0);
        }
        using var visual = ImageEncoders.SatClip(dir.File("trained/last.ckpt"));
        Assert.Equal((5, 16, 16), (visual.Channels, visual.TileSize, visual.Dimension));

        // Resuming with other backbone weights is refused, not mixed.
        var other = TorchvisionStateDict.Create(inChannels: 5, seed: 9);
        TorchvisionStateDict.Write(dir.File("other.pth"), other);
        var refusal = Assert.Throws<ArgumentException>(() => SatClipTrainer.Train(data, options with { Epochs = 3, VisionBackbone = dir.File("other.pth") }, dir.File("trained")));
        Assert.Contains("vision_backbone_sha256", refusal.Message);
    }

    [Fact]
    public void TheImageTowerOfASatClipCheckpointCanBeFrozenToo()
    {
        using var dir = new TempDir();
        var data = EarthImageryDataset.Sample(64, seed: 3);
        SatClipTrainer.Train(data, Tiny with { Epochs = 0, VisionWidth = 8, VisionLayers = [1, 1] }, dir.File("untrained"));
        var reports = SatClipTrainer.Train(data, Tiny with { Epochs = 1, VisionBackbone = dir.File("untrained/last.ckpt") }, dir.File("frozen"));
        Assert.True(double.IsFinite(Assert.Single(reports).TrainLoss));

        var source = TorchCheckpointReader.Read(dir.File("untrained/last.ckpt"));
        var frozen = TorchCheckpointReader.Read(dir.File("frozen/last.ckpt"));
        Assert.Equal(3, frozen.GetInt("vision_stem_kernel"));
        foreach (var name in new[] { "model.visual.conv1.weight", "model.visual.layer2.0.bn2.running_var", "model.visual.layer2.0.downsample.0.weight" })
            Assert.Equal(source.StateDict[name].Data, frozen.StateDict[name].Data);
    }

    [Fact]
    public void TheRandomBackboneIsTheSeedsUntrainedSmallResNetFrozenWhileItsFcTrains()
    {
        // The default image tower (docs/evaluation.md): what --epochs 0 of the joint mode stores, fixed; only fc moves.
        using var dir = new TempDir();
        var data = EarthImageryDataset.Sample(64, seed: 3);
        var small = Tiny with { VisionWidth = 8, VisionLayers = [1, 1], Seed = 5 };
        SatClipTrainer.Train(data, small with { Epochs = 0 }, dir.File("untrained"));
        var reports = SatClipTrainer.Train(data, small with { Epochs = 2, VisionBackbone = SatClipTrainingOptions.RandomVisionBackbone }, dir.File("random"));
        Assert.Equal(2, reports.Count);

        var untrained = TorchCheckpointReader.Read(dir.File("untrained/last.ckpt"));
        var random = TorchCheckpointReader.Read(dir.File("random/last.ckpt"));
        var visual = untrained.StateDict.Keys.Where(k => k.StartsWith("model.visual.", StringComparison.Ordinal)).ToList();
        Assert.Contains("model.visual.layer2.0.downsample.0.weight", visual);
        foreach (var name in visual.Where(k => !k.StartsWith("model.visual.fc.", StringComparison.Ordinal)))
            Assert.Equal(untrained.StateDict[name].Data, random.StateDict[name].Data);
        Assert.NotEqual(untrained.StateDict["model.visual.fc.weight"].ToDoubleArray(), random.StateDict["model.visual.fc.weight"].ToDoubleArray());
        Assert.Equal(("torchvision_resnet", "random", 3), (random.GetString("vision_type"), random.GetString("vision_backbone"), random.GetInt("vision_stem_kernel")));

        // Another seed is another tower; resuming a joint model as a random-tower one is refused, not mixed.
        SatClipTrainer.Train(data, small with { Epochs = 1, Seed = 6, VisionBackbone = SatClipTrainingOptions.RandomVisionBackbone }, dir.File("seed6"));
        Assert.NotEqual(random.StateDict["model.visual.conv1.weight"].Data, TorchCheckpointReader.Read(dir.File("seed6/last.ckpt")).StateDict["model.visual.conv1.weight"].Data);
        var refusal = Assert.Throws<ArgumentException>(() => SatClipTrainer.Train(data, small with { Epochs = 1, VisionBackbone = SatClipTrainingOptions.RandomVisionBackbone }, dir.File("untrained")));
        Assert.Contains("vision_type", refusal.Message);
        using var tower = ImageEncoders.SatClip(dir.File("random/last.ckpt"));
        Assert.Equal(5, tower.Channels);
    }

    [Theory]
    [InlineData("shape")]
    [InlineData("name")]
    [InlineData("missing")]
    [InlineData("channels")]
    public void AStateDictThatDoesNotFitIsRefusedNamingTheParameter(string fault)
    {
        using var dir = new TempDir();
        var weights = TorchvisionStateDict.Create(inChannels: fault == "channels" ? 13 : 5);
        string expected = "conv1.weight";
        switch (fault)
        {
            case "shape":
                weights["layer1.0.conv2.weight"] = TorchvisionStateDict.Random([8, 8, 1, 1], new Random(1));
                expected = "layer1.0.conv2.weight";
                break;
            case "name":
                weights["layer1.0.bn2.gamma"] = weights["layer1.0.bn2.weight"];
                weights.Remove("layer1.0.bn2.weight");
                expected = "layer1.0.bn2.gamma";
                break;
            case "missing":
                weights.Remove("layer2.0.downsample.0.weight");
                expected = "layer2.0.downsample.0.weight";
                break;
        }
        TorchvisionStateDict.Write(dir.File("resnet.pth"), weights);
        var data = EarthImageryDataset.Sample(32, seed: 3);
        var e = Assert.Throws<RangeFormatException>(() => SatClipTrainer.Train(data, Tiny with { VisionBackbone = dir.File("resnet.pth") }, dir.File("out")));
        Assert.Contains($"'{expected}'", e.Message);
        Assert.Contains("resnet.pth", e.Message);
        Assert.False(File.Exists(dir.File("out/last.ckpt")));
    }
}
