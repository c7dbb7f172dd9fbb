using RangeOrleans.Core.Encoders;
using RangeOrleans.Training.Models;

namespace RangeOrleans.Training.Training;

/// <summary>
/// What a SatCLIP pretraining run does. Defaults follow METHOD.md (AdamW, lr 1e-4, weight decay 0.01,
/// 90/10 split) with a model sized for the embedded Earth imagery on a 2-core machine.
/// </summary>
public sealed record SatClipTrainingOptions
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 256;
    public int Seed { get; init; } = 0;
    public double LearningRate { get; init; } = 1e-4;
    public double WeightDecay { get; init; } = 0.01;
    public double ValidationFraction { get; init; } = 0.1;
    public int TileSize { get; init; } = 16;

    /// <summary>Channels after the image stem; doubles per stage.</summary>
    public int VisionWidth { get; init; } = 32;

    /// <summary>BasicBlocks per stage.</summary>
    public IReadOnlyList<int> VisionLayers { get; init; } = [1, 1, 1];

    public int EmbedDim { get; init; } = 256;
    public int LegendrePolys { get; init; } = 10;
    public int Capacity { get; init; } = 256;
    public int NumHiddenLayers { get; init; } = 2;
    public double Dropout { get; init; } = 0.1;
    public HarmonicsEvaluation Harmonics { get; init; } = HarmonicsEvaluation.Compat;

    /// <summary>
    /// A ResNet state dict (torchvision naming) to freeze as the image tower, training only its fc with the location
    /// encoder (the reference's MoCo mode, <see cref="FrozenVisionBackbone"/>); <see cref="RandomVisionBackbone"/> freezes the
    /// small ResNet at the seed's initialisation (random features: what measured best, docs/evaluation.md); null trains the small ResNet of
    /// <see cref="VisionWidth"/> and <see cref="VisionLayers"/> jointly from scratch.
    /// </summary>
    public string? VisionBackbone { get; init; }

    /// <summary>The <see cref="VisionBackbone"/> that names no file: the small ResNet as the seed initialises it, frozen.</summary>
    public const string RandomVisionBackbone = "random";

    public LocationEncoderConfig LocationConfig => new(LegendrePolys, Capacity, NumHiddenLayers, EmbedDim, Harmonics);

    public ResNetConfig VisionConfig(int channels) => new(channels, VisionWidth, VisionLayers, EmbedDim, TileSize);

    public void Validate()
    {
        if (Epochs < 0) throw new ArgumentException($"epochs must be 0 (the untrained initialisation) or more, got {Epochs}");
        if (BatchSize < 2) throw new ArgumentException($"batch size must be at least 2 (a contrastive loss needs negatives), got {BatchSize}");
        if (LearningRate <= 0 || WeightDecay < 0) throw new ArgumentException("learning rate must be positive and weight decay non-negative");
        if (ValidationFraction is < 0 or >= 1) throw new ArgumentException($"validation fraction must be in [0, 1), got {ValidationFraction}");
        if (TileSize < 1 || LegendrePolys < 1 || Capacity < 1 || NumHiddenLayers < 1 || EmbedDim < 1 || Dropout is < 0 or >= 1)
            throw new ArgumentException("tile size, legendre polys, capacity, hidden layers and embed dim must be positive, dropout in [0, 1)");
    }
}
