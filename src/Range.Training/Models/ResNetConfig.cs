namespace RangeOrleans.Training.Models;

/// <summary>
/// A small ResNet for N-channel tiles: <see cref="Width"/> channels after the stem, doubling (and halving
/// the resolution) at each stage after the first; <see cref="Layers"/> BasicBlocks per stage.
/// </summary>
public sealed record ResNetConfig(int InChannels, int Width, IReadOnlyList<int> Layers, int EmbedDim, int TileSize)
{
    public int FeatureChannels => Width << (Layers.Count - 1);

    /// <summary>The small-tile layout: a 3x3 stride-1 stem (no max pool) and BasicBlocks.</summary>
    public ResNetLayout Layout => new(InChannels, Width, StemKernel: 3, Layers, Bottleneck: false);

    public void Validate()
    {
        if (InChannels < 1 || Width < 1 || EmbedDim < 1 || TileSize < 1 || Layers.Count < 1 || Layers.Any(l => l < 1))
            throw new ArgumentException($"bad ResNet configuration {this}");
    }
}
