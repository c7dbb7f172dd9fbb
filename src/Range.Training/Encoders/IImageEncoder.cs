namespace RangeOrleans.Training.Encoders;

/// <summary>
/// Any frozen image encoder the bank can use: a batch of tiles [n][channel][row][column] of side
/// <see cref="TileSize"/> in, one <see cref="Dimension"/>-long vector per tile out.
/// </summary>
public interface IImageEncoder : IDisposable
{
    string Name { get; }
    int Channels { get; }
    int TileSize { get; }
    int Dimension { get; }

    /// <summary>Encodes <paramref name="count"/> tiles into <paramref name="output"/> (count x Dimension, row-major).</summary>
    void Encode(ReadOnlySpan<float> tiles, int count, Span<float> output);
}
