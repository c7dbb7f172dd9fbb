using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Training.Models;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Training.Encoders;

/// <summary>The project's two frozen encoders as <see cref="IImageEncoder"/>s: SatCLIP's image tower (bank keys) and the MAE encoder (bank values).</summary>
public static class ImageEncoders
{
    /// <summary>The image encoder of a RangeOrleans-trained SatCLIP checkpoint: raw (not normalised) embed_dim outputs, as RANGE's keys.</summary>
    public static IImageEncoder SatClip(string checkpointPath)
    {
        var checkpoint = TorchCheckpointReader.Read(checkpointPath);
        var (visual, tileSize) = SatClipCheckpoint.LoadImageEncoder(checkpoint);
        return new TorchImageEncoder("satclip-visual", visual.Layout.InChannels, tileSize, visual.EmbedDim, visual, visual.forward);
    }

    public static IImageEncoder Mae(MaskedAutoencoder mae) =>
        new TorchImageEncoder("mae", mae.InChannels, mae.TileSize, mae.FeatureDim, mae, mae.Features);

    public static IImageEncoder Mae(string checkpointPath) => Mae(MaeCheckpoint.Load(checkpointPath));
}
