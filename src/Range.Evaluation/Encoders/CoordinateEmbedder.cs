using RangeOrleans.Core.Embedding;

namespace RangeOrleans.Evaluation.Encoders;

/// <summary>Base of the raw-coordinate baselines: a fixed function of one point's (lon, lat) in degrees.</summary>
public abstract class CoordinateEmbedder : ILocationEmbedder
{
    public abstract string Model { get; }
    public abstract int Dimension { get; }

    protected abstract void EmbedOne(double lon, double lat, Span<float> row);

    public void Embed(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, Span<float> output)
    {
        if (lat.Length != lon.Length || output.Length != lon.Length * Dimension)
            throw new ArgumentException($"{lon.Length} longitudes, {lat.Length} latitudes, {output.Length} output floats for dimension {Dimension}");
        for (int i = 0; i < lon.Length; i++) EmbedOne(lon[i], lat[i], output.Slice(i * Dimension, Dimension));
    }

    public void Dispose() => GC.SuppressFinalize(this);
}
