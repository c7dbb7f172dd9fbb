using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Core.Formats.Pickle;
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
        var weights = TorchvisionState(inChannels: 5);
        WriteStateDict(dir.File("resnet.pth"), weights);
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
        var other = TorchvisionState(inChannels: 5, seed: 9);
        WriteStateDict(dir.File("other.pth"), other);
        var refusal = Assert.Throws<ArgumentException>(() => SatClipTrainer.Train(data, options with { Epochs = 3, VisionBackbone = dir.File("other.pth") }, dir.File("trained")));
        Assert.Contains("vision_backbone_sha256", refusal.Message);
    }

    [Theory]
    [InlineData("shape")]
    [InlineData("name")]
    [InlineData("missing")]
    [InlineData("channels")]
    public void AStateDictThatDoesNotFitIsRefusedNamingTheParameter(string fault)
    {
        using var dir = new TempDir();
        var weights = TorchvisionState(inChannels: fault == "channels" ? 13 : 5);
        string expected = "conv1.weight";
        switch (fault)
        {
            case "shape":
                weights["layer1.0.conv2.weight"] = Random([8, 8, 1, 1], new Random(1));
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
        WriteStateDict(dir.File("resnet.pth"), weights);
        var data = EarthImageryDataset.Sample(32, seed: 3);
        var e = Assert.Throws<RangeFormatException>(() => SatClipTrainer.Train(data, Tiny with { VisionBackbone = dir.File("resnet.pth") }, dir.File("out")));
        Assert.Contains($"'{expected}'", e.Message);
        Assert.Contains("resnet.pth", e.Message);
        Assert.False(File.Exists(dir.File("out/last.ckpt")));
    }

    /// <summary>torchvision resnet18's names and shapes, two stages of one BasicBlock, stem width 8; fc as an ImageNet head (ignored).</summary>
    private static Dictionary<string, HostTensor> TorchvisionState(int inChannels, int seed = 0)
    {
        var random = new Random(seed);
        var state = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        void BatchNorm(string prefix, long width)
        {
            state[prefix + ".weight"] = Random([width], random, offset: 1);
            state[prefix + ".bias"] = Random([width], random);
            state[prefix + ".running_mean"] = Random([width], random);
            state[prefix + ".running_var"] = Random([width], random, offset: 1.5);
            state[prefix + ".num_batches_tracked"] = new HostTensor(TensorDType.Int64, [], new long[] { 1234 });
        }
        state["conv1.weight"] = Random([8, inChannels, 7, 7], random);
        BatchNorm("bn1", 8);
        state["layer1.0.conv1.weight"] = Random([8, 8, 3, 3], random);
        BatchNorm("layer1.0.bn1", 8);
        state["layer1.0.conv2.weight"] = Random([8, 8, 3, 3], random);
        BatchNorm("layer1.0.bn2", 8);
        state["layer2.0.conv1.weight"] = Random([16, 8, 3, 3], random);
        BatchNorm("layer2.0.bn1", 16);
        state["layer2.0.conv2.weight"] = Random([16, 16, 3, 3], random);
        BatchNorm("layer2.0.bn2", 16);
        state["layer2.0.downsample.0.weight"] = Random([16, 8, 1, 1], random);
        BatchNorm("layer2.0.downsample.1", 16);
        state["fc.weight"] = Random([1000, 16], random);
        state["fc.bias"] = Random([1000], random);
        return state;
    }

    private static HostTensor Random(long[] shape, Random random, double offset = 0)
    {
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(offset + (random.NextDouble() - 0.5) * 0.5);
        return new HostTensor(TensorDType.Float32, shape, values);
    }

    /// <summary>What <c>torch.save(model.state_dict(), path)</c> writes: a zip whose pickle is a plain dict of tensors.</summary>
    private static void WriteStateDict(string path, Dictionary<string, HostTensor> state)
    {
        var root = new PyDict("collections.OrderedDict");
        foreach (var (name, tensor) in state) root.Set(name, tensor);
        TorchCheckpointWriter.WriteRoot(path, root);
    }
}
