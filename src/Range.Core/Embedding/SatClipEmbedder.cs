using RangeOrleans.Core.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Core.Embedding;

/// <summary>SatCLIP location embeddings: the encoder's float64 output, written as float32.</summary>
public sealed class SatClipEmbedder(LocationEncoder encoder, int chunkRows = SatClipEmbedder.ChunkRows) : ILocationEmbedder
{
    /// <summary>Rows per encoder pass; every pass runs at this height (see <see cref="FixedHeightChunks"/>).</summary>
    public const int ChunkRows = 1024;

    /// <summary>Rows per pass of this embedder (<see cref="ChunkRows"/> unless given).</summary>
    public int RowsPerPass => chunkRows;

    public string Model => "satclip";
    public int Dimension => encoder.Config.EmbedDim;

    /// <summary>Where the encoder's weights are, and so where <see cref="EmbedOnDevice"/> leaves its rows.</summary>
    public Device Device => encoder.Device;

    public void Embed(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, Span<float> output)
    {
        EmbedderGuard.CheckLengths(lon, lat, output, Dimension);
        var chunks = new FixedHeightChunks(lon, lat, chunkRows);
        for (int start = 0; start < lon.Length; start += chunkRows)
        {
            int n = chunks.Chunk(start, out var chunkLon, out var chunkLat);
            using var scope = NewDisposeScope();
            var q = EmbedOnDevice(chunkLon, chunkLat).narrow(0, 0, n).cpu().contiguous();
            q.data<float>().CopyTo(output.Slice(start * Dimension, n * Dimension), 0, 0);
        }
    }

    /// <summary>The embeddings of the given points as a float32 [n, <see cref="Dimension"/>] tensor on <see cref="Device"/>, in one pass.</summary>
    public Tensor EmbedOnDevice(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat)
    {
        using var scope = NewDisposeScope();
        return encoder.Encode(lon, lat).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    public void Dispose() => encoder.Dispose();
}
