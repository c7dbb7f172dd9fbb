using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Training.Models;

namespace RangeOrleans.Training.Training;

/// <summary>A masked autoencoder saved as a torch.save checkpoint: <c>state_dict</c> under "mae.", architecture in <c>hyper_parameters</c>.</summary>
public static class MaeCheckpoint
{
    public const string Prefix = "mae.";

    public static void Write(string path, MaskedAutoencoder mae, int epoch, string data)
    {
        var state = mae.state_dict().Select(kv => new KeyValuePair<string, HostTensor>(Prefix + kv.Key, TensorConversion.ToHost(kv.Value))).ToList();
        var hyper = new Dictionary<string, object?>
        {
            ["model_type"] = "range_conv_mae",
            ["in_channels"] = mae.InChannels,
            ["feature_dim"] = mae.FeatureDim,
            ["image_resolution"] = mae.TileSize,
            ["patch_size"] = mae.PatchSize,
            ["mask_ratio"] = mae.MaskRatio,
            ["data"] = data,
        };
        TorchCheckpointWriter.Write(path, state, hyper, new Dictionary<string, object?> { ["epoch"] = epoch });
    }

    public static MaskedAutoencoder Load(string path)
    {
        var checkpoint = TorchCheckpointReader.Read(path);
        if (checkpoint.GetString("model_type", null) != "range_conv_mae")
            throw new RangeFormatException(path, "not a RangeOrleans masked-autoencoder checkpoint (hyper-parameter model_type is not 'range_conv_mae')");
        var mae = new MaskedAutoencoder(checkpoint.GetInt("in_channels"), checkpoint.GetInt("feature_dim"), checkpoint.GetInt("image_resolution"),
            checkpoint.GetInt("patch_size"), checkpoint.GetDouble("mask_ratio"));
        foreach (var (name, target) in mae.state_dict())
        {
            if (!checkpoint.StateDict.TryGetValue(Prefix + name, out var source))
                throw new RangeFormatException(path, $"state_dict has no '{Prefix + name}'");
            TensorConversion.CopyInto(target, source, Prefix + name, path);
        }
        mae.eval();
        return mae;
    }
}
