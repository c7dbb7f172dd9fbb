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

    /// <summary>Rows per pass; every pass runs at this height, the last one padded (see <see cref="FixedHeightChunks"/>).</summary>
    public int RowsPerPass => _chunkRows;

    public void Embed(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, Span<float> output)
    {
        EmbedderGuard.CheckLengths(lon, lat, output, Dimension);
        var device = _retriever.Device;
        int rows = _chunkRows, keyDim = _encoder.Config.EmbedDim, valueDim = _retriever.ValueDim;
        var queries = new float[rows * keyDim];
        var unit = new float[3 * rows];
        var h = new float[rows * valueDim];
        var padded = new FixedHeightChunks(lon, lat, rows);
        for (int start = 0; start < lon.Length; start += rows)
        {
            int n = padded.Chunk(start, out var chunkLon, out var chunkLat);
            var chunkOut = output.Slice(start * Dimension, n * Dimension);
            using var scope = NewDisposeScope();
            if (device.type != DeviceType.CPU)
            {
                // Stay on the device: only the finished rows come back.
                var embeddings = EmbedOnDevice(chunkLon, chunkLat).narrow(0, 0, n).cpu().contiguous();
                embeddings.data<float>().CopyTo(chunkOut, 0, 0);
                continue;
            }
            var q = Query(chunkLon, chunkLat, device);
            var qRows = queries.AsSpan();
            q.contiguous().data<float>().CopyTo(qRows, 0, 0);
            var uRows = unit.AsSpan(0, _options.Spatial ? unit.Length : 0);
            if (_options.Spatial) UnitVectors.FromLonLat(chunkLon, chunkLat, uRows);
            var hRows = h.AsSpan();
            _retriever.Retrieve(qRows, uRows, hRows, _options);
            for (int i = 0; i < n; i++)
            {
                hRows.Slice(i * valueDim, valueDim).CopyTo(chunkOut.Slice(i * Dimension, valueDim));
                qRows.Slice(i * keyDim, keyDim).CopyTo(chunkOut.Slice(i * Dimension + valueDim, keyDim));
            }
        }
    }

    /// <summary>
    /// The embeddings of the given points as a float32 [n, <see cref="Dimension"/>] tensor on the bank's device, in one
    /// pass of tensor operations (the device path; on the CPU, <see cref="Embed"/> runs the fused kernel instead).
    /// </summary>
    public Tensor EmbedOnDevice(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat)
    {
        using var scope = NewDisposeScope();
        var device = _retriever.Device;
        var q = Query(lon, lat, device);
        var u = _options.Spatial ? UnitTensor(lon, lat, device) : null;
        return cat(new[] { _retriever.Retrieve(q, u, _options), q }, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Where the bank (and the encoder's inputs) are.</summary>
    public Device Device => _retriever.Device;

    private Tensor Query(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, Device device) =>
        nn.functional.normalize(_encoder.Encode(lon, lat, device), p: 2, dim: 1).to(ScalarType.Float32);

    private static Tensor UnitTensor(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, Device device)
    {
        var rows = new float[3 * lon.Length];
        UnitVectors.FromLonLat(lon, lat, rows);
        return tensor(rows, new long[] { lon.Length, 3 }).to(device);
    }

    public void Dispose()
    {
        _encoder.Dispose();
        _retriever.Dispose();
    }
}
