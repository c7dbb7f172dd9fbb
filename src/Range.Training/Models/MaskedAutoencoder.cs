using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Models;

/// <summary>
/// A small convolutional masked autoencoder (SimMIM-style, in place of the paper's frozen SatMAE):
/// random <see cref="PatchSize"/>-pixel patches of the tile are zeroed, <c>encoder</c> (three conv
/// stages, the last two stride 2) maps the masked tile to a feature map, <c>decoder</c> (two transposed
/// convs) reconstructs every pixel, and the loss is the mean squared error on the masked patches only.
/// Frozen, the encoder's spatially averaged feature map (<see cref="FeatureDim"/> values) is the bank's
/// "high-resolution" image embedding.
/// </summary>
public sealed class MaskedAutoencoder : nn.Module<Tensor, Tensor>
{
    private readonly Sequential encoder;
    private readonly Sequential decoder;

    public MaskedAutoencoder(int inChannels, int featureDim, int tileSize, int patchSize = 4, double maskRatio = 0.75) : base(nameof(MaskedAutoencoder))
    {
        if (tileSize % 4 != 0 || tileSize % patchSize != 0) throw new ArgumentException($"tile size {tileSize} must be a multiple of 4 and of the patch size {patchSize}");
        if (maskRatio is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(maskRatio), "mask ratio must be in (0, 1)");
        InChannels = inChannels;
        FeatureDim = featureDim;
        TileSize = tileSize;
        PatchSize = patchSize;
        MaskRatio = maskRatio;
        int hidden = Math.Max(featureDim / 4, 8);
        encoder = nn.Sequential(
            ("0", new BlockAlignedConv2d(inChannels, hidden, 3, padding: 1)), ("1", nn.GELU()),
            ("2", new BlockAlignedConv2d(hidden, featureDim / 2, 3, stride: 2, padding: 1)), ("3", nn.GELU()),
            ("4", new BlockAlignedConv2d(featureDim / 2, featureDim, 3, stride: 2, padding: 1)), ("5", nn.GELU()));
        decoder = nn.Sequential(
            ("0", new BlockAlignedConvTranspose2d(featureDim, featureDim / 2, 4, stride: 2, padding: 1)), ("1", nn.GELU()),
            ("2", new BlockAlignedConvTranspose2d(featureDim / 2, hidden, 4, stride: 2, padding: 1)), ("3", nn.GELU()),
            ("4", new BlockAlignedConv2d(hidden, inChannels, 3, padding: 1)));
        RegisterComponents();
    }

    public int InChannels { get; }
    public int FeatureDim { get; }
    public int TileSize { get; }
    public int PatchSize { get; }
    public double MaskRatio { get; }

    /// <summary>The device the weights are on: batches built for the model go there.</summary>
    public Device Device => parameters().First().device;

    /// <summary>Reconstruction of a (masked) tile batch [n, C, P, P].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return decoder.forward(encoder.forward(x)).MoveToOuterDisposeScope();
    }

    /// <summary>Pooled encoder features [n, FeatureDim] of unmasked tiles (the frozen embedding).</summary>
    public Tensor Features(Tensor x)
    {
        using var scope = NewDisposeScope();
        return encoder.forward(x).mean([2, 3]).MoveToOuterDisposeScope();
    }

    /// <summary>Masks random patches (mask drawn from torch's generator), reconstructs, returns the MSE on masked pixels.</summary>
    public Tensor MaskedLoss(Tensor tiles)
    {
        using var scope = NewDisposeScope();
        var keepPixels = KeepMask(tiles);
        var masked = 1 - keepPixels;
        var reconstruction = forward(tiles * keepPixels);
        var error = (reconstruction - tiles).pow(2) * masked;
        var loss = error.sum() / (masked.sum() * InChannels).clamp_min(1);
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>[n, 1, P, P]: 0 on the masked patches, 1 elsewhere, drawn from torch's generator on the tiles' device.</summary>
    public Tensor KeepMask(Tensor tiles)
    {
        using var scope = NewDisposeScope();
        int grid = TileSize / PatchSize;
        var keep = (rand(tiles.shape[0], 1, grid, grid, device: tiles.device) >= MaskRatio).to(tiles.dtype);
        return nn.functional.interpolate(keep, scale_factor: [PatchSize, PatchSize], mode: InterpolationMode.Nearest).MoveToOuterDisposeScope();
    }
}
