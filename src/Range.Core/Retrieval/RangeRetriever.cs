using RangeOrleans.Core.Geometry;
using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Core.Retrieval;

/// <summary>
/// Estimates the high-resolution features of query locations as a weighted average over a feature
/// bank (RANGE / RANGE+). Holds the bank on its device in the layout the products want: keys
/// L2-normalised [N, Dk], entry unit vectors [N, 3], values [N, D], all float32 as in the reference.
/// The weights of RANGE+ are mixed before the single product with V. Callers pass chunks of queries
/// of at most <see cref="ChunkRows"/> rows: memory is O(chunk x N), never O(n x N).
/// On the CPU, soft retrieval runs the two products through BLAS and the softmaxes and the mix in one
/// fused, cache-resident pass per row (<see cref="CpuSoftRetrieval"/>); every other case (GPU, top-1,
/// top-k) runs as tensor operations on the bank's device.
/// </summary>
public sealed class RangeRetriever : IDisposable
{
    private readonly Tensor _keys;
    private readonly Tensor _locations;
    private readonly Tensor _values;
    private readonly CpuSoftRetrieval? _cpu;

    public RangeRetriever(
        ReadOnlySpan<float> keys, int keyDim,
        ReadOnlySpan<float> values, int valueDim,
        ReadOnlySpan<double> lon, ReadOnlySpan<double> lat,
        Device? device = null, CpuBlas? blas = null)
    {
        int n = lon.Length;
        if (n == 0) throw new ArgumentException("the feature bank is empty");
        if (lat.Length != n || keys.Length != (long)n * keyDim || values.Length != (long)n * valueDim)
            throw new ArgumentException($"bank arrays disagree: {n} locations, {keys.Length} key values (dim {keyDim}), {values.Length} values (dim {valueDim})");
        Device = device ?? CPU;
        Count = n;
        KeyDim = keyDim;
        ValueDim = valueDim;

        var normalised = new float[keys.Length];
        for (int i = 0; i < n; i++)
        {
            var row = keys.Slice(i * keyDim, keyDim);
            double sq = 0;
            foreach (var v in row) sq += (double)v * v;
            double inv = 1.0 / Math.Max(Math.Sqrt(sq), 1e-12); // F.normalize's eps
            for (int j = 0; j < keyDim; j++) normalised[i * keyDim + j] = (float)(row[j] * inv);
        }
        var unit = new float[3 * n];
        UnitVectors.FromLonLat(lon, lat, unit);

        var valueRows = values.ToArray();
        _keys = Upload(normalised, n, keyDim);
        _locations = Upload(unit, n, 3);
        _values = Upload(valueRows, n, valueDim);
        if (Device.type == DeviceType.CPU)
        {
            Blas = blas ?? CpuBlasChoice.Default;
            _cpu = new CpuSoftRetrieval(normalised, _keys, valueRows, _values, unit, Blas.Value);
        }
    }

    /// <summary>The BLAS of the CPU's soft retrieval; null on other devices.</summary>
    public CpuBlas? Blas { get; }

    public Device Device { get; }
    public int Count { get; }
    public int KeyDim { get; }
    public int ValueDim { get; }

    /// <summary>
    /// Query rows per chunk. On the CPU, taller chunks keep both products at BLAS speed (measured: 1,024 rows
    /// run RANGE+ against 10k entries ~2x faster than 64), so a chunk takes the most rows, a power of two up to
    /// 1,024, within a 256 MiB [chunk, N] weight buffer; elsewhere the weight matrices are bounded by <paramref name="budgetBytes"/>.
    /// </summary>
    public int ChunkRows(RetrievalOptions options, long budgetBytes = 256L << 20, int maxRows = 4096)
    {
        // A power of two, so that the embedders' fixed-height chunks tile the 8,192-row pipeline batches
        // without a padded remainder.
        if (_cpu is not null && options.Selection == RetrievalSelection.Soft)
            return (int)Math.Clamp(FloorPowerOfTwo(budgetBytes / ((long)Count * sizeof(float))), 64, 1024);
        long perRow = (long)Count * sizeof(float) * (options.Spatial ? 4 : 2);
        return (int)FloorPowerOfTwo(Math.Clamp(budgetBytes / perRow, 1, maxRows));
    }

    private static long FloorPowerOfTwo(long x) => x < 1 ? 1 : 1L << (63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)x));

    /// <summary>
    /// h for c queries: <paramref name="queries"/> [c, Dk] L2-normalised location embeddings,
    /// <paramref name="queryUnit"/> [c, 3] unit vectors (RANGE+ only); writes [c, D] into <paramref name="h"/>.
    /// </summary>
    public void Retrieve(ReadOnlySpan<float> queries, ReadOnlySpan<float> queryUnit, Span<float> h, RetrievalOptions options)
    {
        int c = queries.Length / KeyDim;
        if (queries.Length != c * KeyDim || h.Length != (long)c * ValueDim || (options.Spatial && queryUnit.Length != 3 * c))
            throw new ArgumentException($"query arrays disagree with {c} queries of dimension {KeyDim} and values of dimension {ValueDim}");
        if (_cpu is not null && options.Selection == RetrievalSelection.Soft)
        {
            _cpu.Retrieve(queries, queryUnit, h, c, options);
            return;
        }
        using var scope = NewDisposeScope();
        var q = tensor(queries.ToArray(), new long[] { c, KeyDim }).to(Device);
        var u = options.Spatial ? tensor(queryUnit.ToArray(), new long[] { c, 3 }).to(Device) : null;
        var result = Retrieve(q, u, options).cpu().contiguous();
        result.data<float>().CopyTo(h, 0, 0);
    }

    /// <summary>
    /// h for a chunk of queries as tensor operations on the bank's device: <paramref name="queries"/>
    /// [c, Dk] L2-normalised float32, <paramref name="queryUnit"/> [c, 3] (RANGE+ only). Returns [c, D].
    /// </summary>
    public Tensor Retrieve(Tensor queries, Tensor? queryUnit, RetrievalOptions options)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var weights = SemanticWeights(queries.mm(_keys.t()), options);
        if (options.Spatial)
        {
            if (queryUnit is null) throw new ArgumentNullException(nameof(queryUnit), "RANGE+ needs the queries' unit vectors");
            var geo = SpatialWeights(queryUnit.mm(_locations.t()), weights, options);
            // One product with V: ((1 - beta) w_geo + beta w_sem) V.
            weights = weights.mul_(options.Beta).add_(geo, alpha: 1.0 - options.Beta);
        }
        return weights.mm(_values).MoveToOuterDisposeScope();
    }

    private Tensor SemanticWeights(Tensor similarity, RetrievalOptions options)
    {
        if (options.Selection == RetrievalSelection.Soft)
            return similarity.mul_(options.SemanticTemperature).softmax(1);
        int k = options.Selection == RetrievalSelection.Top1 ? 1 : Math.Min(options.TopK, Count);
        var (_, indices) = similarity.topk(k, dim: 1);
        var share = full_like(indices, 1.0 / k, dtype: similarity.dtype);
        return zeros_like(similarity).scatter_(1, indices, share);
    }

    private static Tensor SpatialWeights(Tensor cosine, Tensor semanticWeights, RetrievalOptions options)
    {
        if (options.AngularThresholdDegrees is not { } degrees)
            return cosine.mul_(options.GeoTemperature).softmax(1);
        var outside = cosine.lt(Math.Cos(degrees * Math.PI / 180.0));
        var weights = cosine.mul_(options.GeoTemperature).masked_fill_(outside, double.NegativeInfinity).softmax(1);
        // Rows with no entry within the angle (NaN here) take the semantic weights: where(none, semantic, weights)
        // in operations every device implements (libtorch's meta device, used to check placement, has no `where`).
        var none = outside.all(1, keepdim: true);
        return weights.masked_fill_(none, 0).add_(semanticWeights.mul(none));
    }

    private Tensor Upload(float[] data, long rows, long cols)
    {
        // On the CPU a view over the array (no copy): the fused kernel reads the same rows through spans.
        if (Device.type == DeviceType.CPU) return from_array(data).view(rows, cols);
        using var host = tensor(data, new[] { rows, cols }, ScalarType.Float32);
        return host.to(Device);
    }

    public void Dispose()
    {
        _keys.Dispose();
        _locations.Dispose();
        _values.Dispose();
    }
}
