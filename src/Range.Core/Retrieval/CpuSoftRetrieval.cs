using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using static TorchSharp.torch;

namespace RangeOrleans.Core.Retrieval;

/// <summary>
/// Soft RANGE / RANGE+ on the CPU at close to the machine's matmul rate. The two products (tau q K^T and
/// W V) run through BLAS into reusable buffers; between them each row of weights is finished in one
/// pass while it sits in cache: softmax of the semantic scores, the spatial scores computed on the fly
/// from three coordinates (no [c, N] geo matrix, no K = 3 GEMM), their softmax and the beta mix. So
/// RANGE+ costs RANGE plus one vectorised exp per bank entry, and the [c, N] weights cross main memory
/// as few times as the products themselves need. The products run in libtorch's matmul or the system's OpenBLAS
/// (<see cref="CpuBlas"/>), on the same arrays.
/// </summary>
internal sealed class CpuSoftRetrieval
{
    private readonly float[] _keyRows;
    private readonly float[] _valueRows;
    private readonly Tensor _keys;
    private readonly Tensor _values;
    private readonly CpuBlas _blas;
    private readonly float[] _ux;
    private readonly float[] _uy;
    private readonly float[] _uz;
    private readonly int _count;
    private readonly int _keyDim;
    private readonly int _valueDim;
    private readonly ConcurrentBag<Workspace> _workspaces = new();

    /// <summary><paramref name="keys"/> and <paramref name="values"/> are views over <paramref name="keyRows"/> and <paramref name="valueRows"/>.</summary>
    public CpuSoftRetrieval(float[] keyRows, Tensor keys, float[] valueRows, Tensor values, float[] unitXyz, CpuBlas blas)
    {
        _keyRows = keyRows;
        _valueRows = valueRows;
        _keys = keys;
        _values = values;
        _blas = blas;
        _count = (int)keys.shape[0];
        _keyDim = (int)keys.shape[1];
        _valueDim = (int)values.shape[1];
        _ux = new float[_count];
        _uy = new float[_count];
        _uz = new float[_count];
        for (int i = 0; i < _count; i++)
        {
            _ux[i] = unitXyz[3 * i];
            _uy[i] = unitXyz[3 * i + 1];
            _uz[i] = unitXyz[3 * i + 2];
        }
    }

    public void Retrieve(ReadOnlySpan<float> queries, ReadOnlySpan<float> queryUnit, Span<float> h, int c, RetrievalOptions options)
    {
        var ws = _workspaces.TryTake(out var w) && w.Rows >= c ? w : new Workspace(c, _count, _keyDim, _valueDim);
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            // Scores = (tau q) K^T: tau folded into the c x Dk queries instead of the c x N scores.
            TensorPrimitives.Multiply(queries, (float)options.SemanticTemperature, ws.Queries.AsSpan(0, c * _keyDim));
            var scores = ws.ScoresTensor.narrow(0, 0, c);
            if (_blas == CpuBlas.OpenBlas)
                OpenBlas.Multiply(ws.Queries.AsSpan(0, c * _keyDim), _keyRows, ws.Scores.AsSpan(0, c * _count), c, _count, _keyDim, transposeB: true);
            else
                scores.addmm_(ws.QueriesTensor.narrow(0, 0, c), _keys.t(), beta: 0, alpha: 1);

            var unit = options.Spatial ? queryUnit.ToArray() : null;
            var rowScale = ws.RowScale;
            Parallel.For(0, c, () => new float[_count], (row, _, geo) =>
            {
                rowScale[row] = FinishRow(ws.Scores.AsSpan(row * _count, _count), geo, unit, row, options);
                return geo;
            }, _ => { });

            if (_blas == CpuBlas.OpenBlas)
                OpenBlas.Multiply(ws.Scores.AsSpan(0, c * _count), _valueRows, ws.Output.AsSpan(0, c * _valueDim), c, _valueDim, _count, transposeB: false);
            else
                ws.OutputTensor.narrow(0, 0, c).addmm_(scores, _values, beta: 0, alpha: 1);
            // The softmax denominators are applied to the [c, D] output rather than the [c, N] weights: D < N.
            for (int row = 0; row < c; row++)
                TensorPrimitives.Multiply(ws.Output.AsSpan(row * _valueDim, _valueDim), rowScale[row], h.Slice(row * _valueDim, _valueDim));
        }
        finally
        {
            _workspaces.Add(ws);
        }
    }

    /// <summary>
    /// Turns a row of semantic scores into unnormalised weights in place and returns the factor that normalises
    /// the row's product with V: weights x V x factor = (beta w_sem + (1 - beta) w_geo) V.
    /// </summary>
    private float FinishRow(Span<float> weights, float[] geoBuffer, float[]? unit, int row, RetrievalOptions options)
    {
        if (unit is null || options.Beta == 1.0)
            return 1f / ExpShiftedSum(weights, TensorPrimitives.Max(weights));
        var geo = geoBuffer.AsSpan();
        float qx = unit[3 * row], qy = unit[3 * row + 1], qz = unit[3 * row + 2];
        if (options.AngularThresholdDegrees is null && options.GeoTemperature <= 80 && options.Beta > 0)
        {
            // The default RANGE+: both exps in one pass over the row, the same arithmetic as the general path below.
            float t = (float)options.GeoTemperature;
            var (semanticSum, spatialSum) = ExpBoth(weights, TensorPrimitives.Max(weights), geo, t * qx, t * qy, t * qz);
            float share = (float)(options.Beta / semanticSum);
            TensorPrimitives.MultiplyAdd(geo, (float)((1.0 - options.Beta) / spatialSum) / share, weights, weights);
            return share;
        }
        if (options.AngularThresholdDegrees is { } degrees)
        {
            Cosines(geo, qx, qy, qz);
            if (!MaskOutside(geo, (float)Math.Cos(degrees * Math.PI / 180.0)))
                return 1f / ExpShiftedSum(weights, TensorPrimitives.Max(weights)); // no bank entry within the angle: semantic weights alone
            TensorPrimitives.Multiply(geo, (float)options.GeoTemperature, geo);
        }
        else
        {
            float t = (float)options.GeoTemperature;
            Cosines(geo, t * qx, t * qy, t * qz);
        }
        // exp(t cos) cannot overflow for t <= 80 (cos <= 1), so the usual max shift is needed only above that.
        float geoSum = ExpShiftedSum(geo, options.GeoTemperature <= 80 && options.AngularThresholdDegrees is null ? 0f : TensorPrimitives.Max(geo));
        float geoShare = (float)((1.0 - options.Beta) / geoSum);
        if (options.Beta == 0.0)
        {
            geo.CopyTo(weights);
            return geoShare;
        }
        float semanticShare = (float)(options.Beta / ExpShiftedSum(weights, TensorPrimitives.Max(weights)));
        TensorPrimitives.MultiplyAdd(geo, geoShare / semanticShare, weights, weights);
        return semanticShare;
    }

    /// <summary>cos[i] = u_i . (qx, qy, qz) for every bank entry, in one pass over the three coordinate arrays.</summary>
    private void Cosines(Span<float> cos, float qx, float qy, float qz)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vx = Vector256.Create(qx);
            var vy = Vector256.Create(qy);
            var vz = Vector256.Create(qz);
            for (; i <= _count - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Cosine(i, vx, vy, vz).CopyTo(cos.Slice(i));
            }
        }
        for (; i < _count; i++) cos[i] = Cosine(i, qx, qy, qz);
    }

    /// <summary>u_i . q for the eight bank entries from <paramref name="i"/>; the same arithmetic as the scalar overload.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<float> Cosine(int i, Vector256<float> qx, Vector256<float> qy, Vector256<float> qz) =>
        Vector256.FusedMultiplyAdd(Vector256.Create<float>(_uz.AsSpan(i)), qz,
            Vector256.FusedMultiplyAdd(Vector256.Create<float>(_uy.AsSpan(i)), qy, Vector256.Create<float>(_ux.AsSpan(i)) * qx));

    private float Cosine(int i, float qx, float qy, float qz) => MathF.FusedMultiplyAdd(_uz[i], qz, MathF.FusedMultiplyAdd(_uy[i], qy, _ux[i] * qx));

    /// <summary>
    /// weights := exp(weights - shift) and geo := exp(u_i . (tx, ty, tz)) in one pass; returns both sums. The spatial
    /// logits lie within +-80 (t &lt;= 80), so they need no shift.
    /// </summary>
    private (float Semantic, float Spatial) ExpBoth(Span<float> weights, float shift, Span<float> geo, float tx, float ty, float tz)
    {
        int i = 0;
        var semantic = Vector256<float>.Zero;
        var spatial = Vector256<float>.Zero;
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(shift);
            var vx = Vector256.Create(tx);
            var vy = Vector256.Create(ty);
            var vz = Vector256.Create(tz);
            for (; i <= _count - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var e = VectorExp.Exp(Vector256.Create<float>(weights.Slice(i)) - s);
                e.CopyTo(weights.Slice(i));
                semantic += e;
                var g = VectorExp.ExpWithinRange(Cosine(i, vx, vy, vz));
                g.CopyTo(geo.Slice(i));
                spatial += g;
            }
        }
        float semanticTotal = Vector256.Sum(semantic), spatialTotal = Vector256.Sum(spatial);
        for (; i < _count; i++)
        {
            weights[i] = MathF.Exp(weights[i] - shift);
            semanticTotal += weights[i];
            geo[i] = MathF.Exp(Cosine(i, tx, ty, tz));
            spatialTotal += geo[i];
        }
        return (semanticTotal, spatialTotal);
    }

    /// <summary>x := exp(x - shift) in one pass; returns the sum (the softmax denominator when shift is the max).</summary>
    private static float ExpShiftedSum(Span<float> x, float shift)
    {
        int i = 0;
        var sum = Vector256<float>.Zero;
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(shift);
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var e = VectorExp.Exp(Vector256.Create<float>(x.Slice(i)) - s);
                e.CopyTo(x.Slice(i));
                sum += e;
            }
        }
        float total = Vector256.Sum(sum);
        for (; i < x.Length; i++)
        {
            x[i] = MathF.Exp(x[i] - shift);
            total += x[i];
        }
        return total;
    }

    /// <summary>Sets cosines below the threshold to -inf; false when none is left.</summary>
    private static bool MaskOutside(Span<float> cosine, float threshold)
    {
        bool any = false;
        for (int i = 0; i < cosine.Length; i++)
        {
            if (cosine[i] < threshold) cosine[i] = float.NegativeInfinity;
            else any = true;
        }
        return any;
    }

    /// <summary>Reusable buffers for one chunk; tensors are views over the managed arrays (no copies).</summary>
    private sealed class Workspace
    {
        public Workspace(int rows, int count, int keyDim, int valueDim)
        {
            Rows = rows;
            Queries = new float[rows * keyDim];
            Scores = new float[(long)rows * count];
            Output = new float[(long)rows * valueDim];
            RowScale = new float[rows];
            QueriesTensor = from_array(Queries).view(rows, keyDim).DetachFromDisposeScope();
            ScoresTensor = from_array(Scores).view(rows, count).DetachFromDisposeScope();
            OutputTensor = from_array(Output).view(rows, valueDim).DetachFromDisposeScope();
        }

        public int Rows { get; }
        public float[] Queries { get; }
        public float[] Scores { get; }
        public float[] Output { get; }
        public float[] RowScale { get; }
        public Tensor QueriesTensor { get; }
        public Tensor ScoresTensor { get; }
        public Tensor OutputTensor { get; }
    }
}
