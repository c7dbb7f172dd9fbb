using RangeOrleans.Core.Encoders;
using RangeOrleans.Core.Geometry;
using RangeOrleans.Core.Retrieval;
using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Core.Embedding;

/// <summary>
/// RANGE / RANGE+ embeddings: concat(h, q) with the retrieved high-resolution part h first and the
/// L2-normalised SatCLIP location embedding q (computed in float64, used in float32) after it.
/// </summary>
public sealed class RangeEmbedder : ILocationEmbedder
{
    private readonly LocationEncoder _encoder;
    private readonly RangeRetriever _retriever;
    private readonly RetrievalOptions _options;
    private readonly int _chunkRows;

    public RangeEmbedder(LocationEncoder encoder, RangeRetriever retriever, RetrievalOptions options, int? chunkRows = null)
    {
        options.Validate();
        if (retriever.KeyDim != encoder.Config.EmbedDim)
            throw new ArgumentException($"the bank's keys have dimension {retriever.KeyDim} but the checkpoint's location embedding has {encoder.Config.EmbedDim}");
        _encoder = encoder;
        _retriever = retriever;
        _options = options;
        _chunkRows = chunkRows ?? retriever.ChunkRows(options);
        if (_chunkRows < 1) throw new ArgumentOutOfRangeException(nameof(chunkRows), "chunk rows must be at least 1");
    }

    public string Model => _options.Spatial ? "range+" : "range";
    public int Dimension => _retriever.ValueDim + _encoder.Config.EmbedDim;
    public RetrievalOptions Options => _options;

    public void Embed(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, Span<float> output)
    {
        EmbedderGuard.CheckLengths(lon, lat, output, Dimension);
        var device = _retriever.Device;
        float[]? unit = _options.Spatial ? new float[3 * Math.Min(_chunkRows, lon.Length)] : null;
        for (int start = 0; start < lon.Length; start += _chunkRows)
        {
            int n = Math.Min(_chunkRows, lon.Length - start);
            using var scope = NewDisposeScope();
            var q64 = _encoder.Encode(lon.Slice(start, n), lat.Slice(start, n), device);
            var q = nn.functional.normalize(q64, p: 2, dim: 1).to(ScalarType.Float32);
            Tensor? u = null;
            if (unit is not null)
            {
                var rows = unit.AsSpan(0, 3 * n);
                UnitVectors.FromLonLat(lon.Slice(start, n), lat.Slice(start, n), rows);
                u = tensor(rows.ToArray(), new long[] { n, 3 }).to(device);
            }
            var h = _retriever.Retrieve(q, u, _options);
            var embeddings = cat(new[] { h, q }, 1).cpu().contiguous();
            embeddings.data<float>().CopyTo(output.Slice(start * Dimension, n * Dimension), 0, 0);
        }
    }

    public void Dispose()
    {
        _encoder.Dispose();
        _retriever.Dispose();
    }
}
