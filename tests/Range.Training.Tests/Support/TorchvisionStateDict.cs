using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Core.Formats.Pickle;

namespace RangeOrleans.Core.Tests;

/// <summary>
/// A small ResNet state dict in torchvision naming, written name by name as torchvision's resnet18 names them (two stages of
/// one BasicBlock, stem width 8), as <c>torch.save(model.state_dict())</c> stores it: the frozen-backbone tests' input.
/// </summary>
internal static class TorchvisionStateDict
{
    /// <summary>torchvision resnet18's names and shapes, two stages of one BasicBlock, stem width 8; fc as an ImageNet head (ignored).</summary>
    public static Dictionary<string, HostTensor> Create(int inChannels, int seed = 0)
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

    public static HostTensor Random(long[] shape, Random random, double offset = 0)
    {
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(offset + (random.NextDouble() - 0.5) * 0.5);
        return new HostTensor(TensorDType.Float32, shape, values);
    }

    /// <summary>What <c>torch.save(model.state_dict(), path)</c> writes: a zip whose pickle is a plain dict of tensors.</summary>
    public static void Write(string path, Dictionary<string, HostTensor> state)
    {
        var root = new PyDict("collections.OrderedDict");
        foreach (var (name, tensor) in state) root.Set(name, tensor);
        TorchCheckpointWriter.WriteRoot(path, root);
    }
}
