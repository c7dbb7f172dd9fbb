namespace RangeOrleans.Core.Embedding;

/// <summary>
/// Turns (lon, lat) points into fixed-size float32 embeddings. Implementations hold their model and bank
/// (loaded once, reused for every batch) and bound their own memory per call by chunking.
/// </summary>
public interface ILocationEmbedder : IDisposable
{
    /// <summary>The model name as the command line spells it (satclip, range, range+, sh).</summary>
    string Model { get; }

    /// <summary>Length of one embedding.</summary>
    int Dimension { get; }

    /// <summary>Writes lon.Length rows of <see cref="Dimension"/> floats into <paramref name="output"/>.</summary>
    void Embed(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, Span<float> output);
}
