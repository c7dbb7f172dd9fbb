using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Training.Models;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Training;

/// <summary>
/// Writes and reads SatCLIP checkpoints in the Lightning layout the reference uses: <c>state_dict</c>
/// with <c>model.location.*</c> (float64), <c>model.visual.*</c> (float32, BN buffers included) and
/// <c>model.logit_scale</c>; <c>hyper_parameters</c> (architecture, optimiser and data settings);
/// <c>epoch</c> and <c>global_step</c>; and, for resuming, <c>range_optimizer_file</c> naming the
/// optimiser-state side file written next to it.
/// </summary>
public static class SatClipCheckpoint
{
    public const string OptimizerFileEntry = "range_optimizer_file";

    /// <summary>The joint mode's image tower (<see cref="ResNetImageEncoder"/> of a <see cref="ResNetConfig"/>).</summary>
    public const string RangeResNet = "range_resnet";

    /// <summary>A frozen backbone's tower (<see cref="ResNetImageEncoder"/> of a <see cref="ResNetLayout"/>): <c>vision_layers</c> are its blocks per stage, <c>vision_width</c> its stem width.</summary>
    public const string TorchvisionResNetType = "torchvision_resnet";

    public static string VisionType(FrozenVisionBackbone? backbone) => backbone is null ? RangeResNet : TorchvisionResNetType;

    public static void Write(string path, SatClipModel model, SatClipTrainingOptions options, int inChannels, string data, int epoch, long globalStep, string? optimizerFile,
        FrozenVisionBackbone? backbone = null)
    {
        var state = model.state_dict()
            .Select(kv => new KeyValuePair<string, HostTensor>(SatClipModel.StateDictPrefix + kv.Key, TensorConversion.ToHost(kv.Value)))
            .ToList();
        var hyper = new Dictionary<string, object?>
        {
            ["embed_dim"] = options.EmbedDim,
            ["image_resolution"] = options.TileSize,
            ["vision_layers"] = (backbone?.Model.Layout.Blocks ?? options.VisionLayers).Select(l => (object?)l).ToList(),
            ["vision_width"] = backbone?.Model.Layout.StemWidth ?? options.VisionWidth,
            ["vision_type"] = VisionType(backbone),
            ["in_channels"] = inChannels,
            ["le_type"] = "sphericalharmonics",
            ["pe_type"] = "siren",
            ["frequency_num"] = 16,
            ["max_radius"] = 260,
            ["min_radius"] = 1,
            ["legendre_polys"] = options.LegendrePolys,
            ["harmonics_calculation"] = "analytic",
            ["sh_embedding_dims"] = 32,
            ["learning_rate"] = options.LearningRate,
            ["weight_decay"] = options.WeightDecay,
            ["num_hidden_layers"] = options.NumHiddenLayers,
            ["capacity"] = options.Capacity,
            ["dropout"] = options.Dropout,
            ["batch_size"] = options.BatchSize,
            ["max_epochs"] = options.Epochs,
            ["seed"] = options.Seed,
            ["val_fraction"] = options.ValidationFraction,
            ["data"] = data,
        };
        var extra = new Dictionary<string, object?>
        {
            ["epoch"] = epoch,
            ["global_step"] = globalStep,
            ["pytorch-lightning_version"] = "2.0.0",
            ["range_trainer"] = "RangeOrleans",
        };
        if (backbone is not null)
        {
            hyper["vision_block"] = backbone.Model.Layout.Bottleneck ? "bottleneck" : "basic";
            hyper["vision_stem_kernel"] = backbone.Model.Layout.StemKernel;
            hyper["vision_backbone"] = Path.GetFileName(backbone.File);
            hyper["vision_backbone_sha256"] = backbone.Sha256;
        }
        if (optimizerFile is not null) extra[OptimizerFileEntry] = optimizerFile;
        TorchCheckpointWriter.Write(path, state, hyper, extra);
    }

    /// <summary>Copies every <c>model.*</c> tensor of the checkpoint into the model; a missing or misshapen one is a RangeFormatException.</summary>
    public static void LoadInto(SatClipModel model, TorchCheckpoint checkpoint)
    {
        foreach (var (name, target) in model.state_dict())
        {
            string key = SatClipModel.StateDictPrefix + name;
            if (!checkpoint.StateDict.TryGetValue(key, out var source))
                throw new RangeFormatException(checkpoint.SourcePath, $"state_dict has no '{key}'");
            TensorConversion.CopyInto(target, source, key, checkpoint.SourcePath);
        }
    }

    /// <summary>Epochs a checkpoint written by <see cref="Write"/> has finished (its 0-based <c>epoch</c> + 1).</summary>
    public static int FinishedEpochs(TorchCheckpoint checkpoint) =>
        checkpoint.GetEntry("epoch") is long epoch ? checked((int)epoch) + 1 : throw new RangeFormatException(checkpoint.SourcePath, "no integer 'epoch' entry");

    /// <summary>The image tower described by a checkpoint written by <see cref="Write"/> in the joint mode.</summary>
    public static ResNetConfig ReadVisionConfig(TorchCheckpoint checkpoint)
    {
        if (checkpoint.GetString("vision_type", null) != RangeResNet)
            throw new RangeFormatException(checkpoint.SourcePath, $"not a RangeOrleans-trained SatCLIP checkpoint (hyper-parameter vision_type is not '{RangeResNet}'): its image encoder cannot be rebuilt here");
        return new ResNetConfig(checkpoint.GetInt("in_channels"), checkpoint.GetInt("vision_width"), ReadVisionLayers(checkpoint), checkpoint.GetInt("embed_dim"), checkpoint.GetInt("image_resolution"));
    }

    /// <summary>The image encoder (eval mode) of a checkpoint written by <see cref="Write"/>, either mode, with its tile size.</summary>
    public static (ResNetImageEncoder Encoder, int TileSize) LoadImageEncoder(TorchCheckpoint checkpoint)
    {
        var encoder = checkpoint.GetString("vision_type", null) == TorchvisionResNetType
            ? new ResNetImageEncoder(new ResNetLayout(checkpoint.GetInt("in_channels"), checkpoint.GetInt("vision_width"), checkpoint.GetInt("vision_stem_kernel"),
                ReadVisionLayers(checkpoint), checkpoint.GetString("vision_block") == "bottleneck"), checkpoint.GetInt("embed_dim"))
            : new ResNetImageEncoder(ReadVisionConfig(checkpoint));
        const string prefix = SatClipModel.StateDictPrefix + "visual.";
        foreach (var (name, target) in encoder.state_dict())
        {
            if (!checkpoint.StateDict.TryGetValue(prefix + name, out var source))
                throw new RangeFormatException(checkpoint.SourcePath, $"state_dict has no '{prefix + name}'");
            TensorConversion.CopyInto(target, source, prefix + name, checkpoint.SourcePath);
        }
        encoder.eval();
        return (encoder, checkpoint.GetInt("image_resolution"));
    }

    private static List<int> ReadVisionLayers(TorchCheckpoint checkpoint) =>
        checkpoint.HyperParameters.TryGetValue("vision_layers", out var v) && v is List<object?> list
            ? list.Select(x => x is long l ? checked((int)l) : throw new RangeFormatException(checkpoint.SourcePath, "vision_layers must be integers")).ToList()
            : throw new RangeFormatException(checkpoint.SourcePath, "hyper-parameter vision_layers is missing");
}
