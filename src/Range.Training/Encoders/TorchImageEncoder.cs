using static TorchSharp.torch;

namespace RangeOrleans.Training.Encoders;

/// <summary>An <see cref="IImageEncoder"/> over a TorchSharp function of [n, C, P, P] float32 tiles, run in eval mode without gradients.</summary>
public sealed class TorchImageEncoder(string name, int channels, int tileSize, int dimension, nn.Module module, Func<Tensor, Tensor> encode) : IImageEncoder
{
    public string Name { get; } = name;
    public int Channels { get; } = channels;
    public int TileSize { get; } = tileSize;
    public int Dimension { get; } = dimension;

    public void Encode(ReadOnlySpan<float> tiles, int count, Span<float> output)
    {
        int per = Channels * TileSize * TileSize;
        if (tiles.Length != count * per) throw new ArgumentException($"{tiles.Length} tile values for {count} tiles of {per}");
        if (output.Length != count * Dimension) throw new ArgumentException($"output has {output.Length} values, {count} x {Dimension} needed");
        module.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // The tiles go where the weights are; only the features come back.
        var input = tensor(tiles.ToArray(), [count, Channels, TileSize, TileSize]).to(module.parameters().First().device);
        var features = encode(input).to(ScalarType.Float32).cpu().contiguous();
        features.data<float>().CopyTo(output);
    }

    public void Dispose() => module.Dispose();
}
