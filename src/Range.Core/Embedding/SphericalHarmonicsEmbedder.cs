using RangeOrleans.Core.Encoders;

namespace RangeOrleans.Core.Embedding;

/// <summary>The raw spherical-harmonic features (float64, written as float32).</summary>
public sealed class SphericalHarmonicsEmbedder(SphericalHarmonics harmonics) : ILocationEmbedder
{
    public string Model => "sh";
    public int Dimension => harmonics.FeatureCount;

    public void Embed(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, Span<float> output)
    {
        EmbedderGuard.CheckLengths(lon, lat, output, Dimension);
        var features = new double[harmonics.FeatureCount * Math.Min(lon.Length, 4096)];
        for (int start = 0; start < lon.Length; start += 4096)
        {
            int n = Math.Min(4096, lon.Length - start);
            var chunk = features.AsSpan(0, n * Dimension);
            harmonics.Compute(lon.Slice(start, n), lat.Slice(start, n), chunk);
            var dst = output.Slice(start * Dimension, n * Dimension);
            for (int i = 0; i < chunk.Length; i++) dst[i] = (float)chunk[i];
        }
    }

    public void Dispose() { }
}
