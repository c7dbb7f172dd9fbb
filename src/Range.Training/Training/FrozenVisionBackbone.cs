using System.Security.Cryptography;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Models;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Training;

/// <summary>
/// The reference's frozen-backbone mode (SatCLIP <c>satclip/model.py</c>, <c>moco_resnet18 | moco_resnet50</c>): a ResNet
/// state dict in torchvision/timm naming (torchgeo's SSL4EO-S12 MoCo weights, a <c>torch.save</c> zip: .pth/.pt) loaded into a
/// <see cref="ResNetImageEncoder"/> and frozen, so that only <c>fc</c> (the projection head) trains with the location encoder.
/// Every parameter and buffer but <c>fc.*</c> must be in the file with the shape the inferred layout needs; <c>fc.*</c> in the
/// file is ignored (the head is new: its width is the embedding's). A mismatch is a RangeFormatException naming the parameter.
/// A SatCLIP checkpoint's image tower (<c>model.visual.*</c>) loads the same way: e.g. the untrained tower that
/// <c>range pretrain --epochs 0</c> stores, frozen, is a random-features baseline.
/// </summary>
public sealed class FrozenVisionBackbone
{
    private FrozenVisionBackbone(ResNetImageEncoder model, string file, string sha256)
    {
        Model = model;
        File = file;
        Sha256 = sha256;
    }

    /// <summary>The whole image tower: the frozen backbone and its trainable <c>fc</c>. Whoever holds it disposes it (a <see cref="SatClipModel"/> built on it does).</summary>
    public ResNetImageEncoder Model { get; }

    /// <summary>The state-dict file it came from, or <see cref="SatClipTrainingOptions.RandomVisionBackbone"/>.</summary>
    public string File { get; }

    /// <summary>SHA-256 of the file (hex): a resumed run must use the same weights. Empty for the random tower (the seed decides it).</summary>
    public string Sha256 { get; }

    /// <summary>
    /// The backbone <paramref name="options"/> name for data of <paramref name="dataChannels"/> channels: a file's (<see cref="Load"/>),
    /// the small ResNet as the current torch seed initialises it (<see cref="SatClipTrainingOptions.RandomVisionBackbone"/>), or null
    /// (the joint mode trains the whole tower).
    /// </summary>
    public static FrozenVisionBackbone? For(SatClipTrainingOptions options, int dataChannels, string dataName) => options.VisionBackbone switch
    {
        null => null,
        SatClipTrainingOptions.RandomVisionBackbone => Initial(options.VisionConfig(dataChannels)),
        var file => Load(file, dataChannels, dataName, options.EmbedDim),
    };

    /// <summary>
    /// The joint mode's small ResNet at its initialisation, frozen: fixed random features, of which only fc trains. Built from the
    /// same seed in the same order as the joint mode's tower, so it is the tower <c>range pretrain --epochs 0</c> stores.
    /// </summary>
    public static FrozenVisionBackbone Initial(ResNetConfig config)
    {
        var model = new ResNetImageEncoder(config);
        model.Freeze();
        return new FrozenVisionBackbone(model, SatClipTrainingOptions.RandomVisionBackbone, "");
    }

    /// <summary>Reads and checks <paramref name="path"/> against the data's channels; the result is frozen (eval mode, no gradient but fc's).</summary>
    public static FrozenVisionBackbone Load(string path, int dataChannels, string dataName, int embedDim)
    {
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"vision backbone '{path}' does not exist", path);
        var state = ResNetWeights(TorchCheckpointReader.Read(path).StateDict);
        var layout = ResNetLayout.Infer(state, path);
        if (layout.InChannels != dataChannels)
            throw new RangeFormatException(path, $"'conv1.weight' takes {layout.InChannels} input channels, the data '{dataName}' has {dataChannels}");
        var model = new ResNetImageEncoder(layout, embedDim);
        try
        {
            var needed = model.state_dict();
            foreach (var name in state.Keys)
            {
                if (!name.StartsWith("fc.", StringComparison.Ordinal) && !needed.ContainsKey(name))
                    throw new RangeFormatException(path, $"'{name}' is not a parameter of a {layout.Describe()} in torchvision naming");
            }
            foreach (var (name, target) in needed)
            {
                if (name.StartsWith("fc.", StringComparison.Ordinal)) continue;
                if (!state.TryGetValue(name, out var source))
                    throw new RangeFormatException(path, $"no '{name}', which a {layout.Describe()} needs");
                TensorConversion.CopyInto(target, source, name, path);
            }
            model.Freeze();
            return new FrozenVisionBackbone(model, path, Convert.ToHexStringLower(SHA256.HashData(System.IO.File.ReadAllBytes(path))));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The ResNet's tensors: the whole state dict, or of a SatCLIP checkpoint (this project's or the reference's ResNet ones)
    /// the image tower's, <c>model.visual.*</c> without that prefix, so a trained or untrained model's tower can be frozen too.
    /// </summary>
    private static IReadOnlyDictionary<string, HostTensor> ResNetWeights(IReadOnlyDictionary<string, HostTensor> state)
    {
        const string visual = SatClipModel.StateDictPrefix + "visual.";
        if (!state.Keys.Any(k => k.StartsWith(visual, StringComparison.Ordinal))) return state;
        return state.Where(kv => kv.Key.StartsWith(visual, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[visual.Length..], kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>Loads and discards: the checks of <see cref="Load"/> before a job is submitted.</summary>
    public static void Check(string path, int dataChannels, string dataName, int embedDim) => Load(path, dataChannels, dataName, embedDim).Model.Dispose();

    /// <summary>
    /// The frozen features [count, F] of every tile, computed once (eval mode, no gradient) in batches on the model's device:
    /// training then runs only fc and the location encoder, so large batches and many epochs are cheap.
    /// </summary>
    public Tensor Features(IGeoTileDataset data, int tileSize, int batchSize = 256, CancellationToken cancellationToken = default)
    {
        var device = Model.Fc.weight.device;
        using var noGrad = no_grad();
        var features = zeros([data.Count, Model.Layout.FeatureChannels], device: device);
        var entries = Enumerable.Range(0, data.Count).ToArray();
        for (int start = 0; start < data.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            int n = Math.Min(batchSize, data.Count - start);
            var batch = Model.Features(TileBatch.Tiles(data, entries.AsSpan(start, n), tileSize, device));
            features.narrow(0, start, n).copy_(batch);
        }
        return features;
    }
}
