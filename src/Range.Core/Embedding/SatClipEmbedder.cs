using RangeOrleans.Core.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Core.Embedding;

/// <summary>SatCLIP location embeddings: the encoder's float64 output, written as float32.</summary>
public sealed class SatClipEmbedder(LocationEncoder encoder, int chunkRows = 8192) : ILocationEmbedder
{
    public string Model => "satclip";
    public int Dimension => encoder.Config.EmbedDim;

    public void Embed(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, Span<float> output)
    {
        EmbedderGuard.CheckLengths(lon, lat, output, Dimension);
        for (int start = 0; start < lon.Length; start += chunkRows)
        {
            int n = Math.Min(chunkRows, lon.Length - start);
            using var scope = NewDisposeScope();
            var q = encoder.Encode(lon.Slice(start, n), lat.Slice(start, n)).to(ScalarType.Float32).cpu().contiguous();
            q.data<float>().CopyTo(output.Slice(start * Dimension, n * Dimension), 0, 0);
        }
    }

    public void Dispose() => encoder.Dispose();
}
