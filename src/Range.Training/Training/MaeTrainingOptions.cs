namespace RangeOrleans.Training.Training;

/// <summary>Masked-autoencoder training settings (the bank's value encoder).</summary>
public sealed record MaeTrainingOptions
{
    public int Epochs { get; init; } = 4;
    public int BatchSize { get; init; } = 128;
    public int Seed { get; init; } = 0;
    public double LearningRate { get; init; } = 1e-3;
    public double WeightDecay { get; init; } = 0.05;
    public int TileSize { get; init; } = 16;
    public int FeatureDim { get; init; } = 256;
    public int PatchSize { get; init; } = 4;
    public double MaskRatio { get; init; } = 0.75;

    /// <summary>At most this many tiles are used per epoch (a random subset each epoch).</summary>
    public int MaxTilesPerEpoch { get; init; } = 10000;

    public void Validate()
    {
        if (Epochs < 1 || BatchSize < 1 || LearningRate <= 0 || FeatureDim < 8 || MaxTilesPerEpoch < 1)
            throw new ArgumentException("MAE epochs, batch size, learning rate, feature dim (>= 8) and tiles per epoch must be positive");
    }
}
