using System.Collections.Concurrent;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using static TorchSharp.torch;

namespace RangeOrleans.Core.Retrieval;

/// <summary>
/// Soft RANGE / RANGE+ on the CPU at close to the machine's matmul rate. The two products (tau q K^T and
/// W V) run through BLAS into reusable buffers; between them each row of weights is finished in one
/// pass while it sits in cache: softmax of the semantic scores, the spatial scores computed on the fly
/// from three coordinates (no [c, N] geo matrix, no K = 3 GEMM), their softmax and the beta mix. So
/// RANGE+ costs RANGE plus one vectorised exp per bank entry, and the [c, N] weights cross main memory
/// as few times as the products themselves need.
/// </summary>
internal sealed class CpuSoftRetrieval
{
    private readonly Tensor _keys;
    private readonly Tensor _values;
    private readonly float[] _ux;
    private readonly float[] _uy;
    private readonly float[] _uz;
    private readonly int _count;
    private readonly int _keyDim;
    private readonly int _valueDim;
    private readonly ConcurrentBag<Workspace> _workspaces = new();

    public CpuSoftRetrieval(Tensor keys, Tensor values, float[] unitXyz)
    {
        _keys = keys;
        _values = values;
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
            var q = ws.QueriesTensor.narrow(0, 0, c);
            var scores = ws.ScoresTensor.narrow(0, 0, c);
            scores.addmm_(q, _keys.t(), beta: 0, alpha: 1);

            var unit = options.Spatial ? queryUnit.ToArray() : null;
            Parallel.For(0, c, () => new float[_count], (row, _, geo) =>
            {
                FinishRow(ws.Scores.AsSpan(row * _count, _count), geo, unit, row, options);
                return geo;
            }, _ => { });

            ws.OutputTensor.narrow(0, 0, c).addmm_(scores, _values, beta: 0, alpha: 1);
            ws.Output.AsSpan(0, c * _valueDim).CopyTo(h);
        }
        finally
        {
            _workspaces.Add(ws);
        }
    }

    private void FinishRow(Span<float> weights, float[] geoBuffer, float[]? unit, int row, RetrievalOptions options)
    {
        float semanticSum = SoftmaxNumerator(weights);
        if (unit is null)
        {
            TensorPrimitives.Multiply(weights, 1f / semanticSum, weights);
            return;
        }
        var geo = geoBuffer.AsSpan();
        TensorPrimitives.Multiply(_ux, unit[3 * row], geo);
        TensorPrimitives.MultiplyAdd(_uy, unit[3 * row + 1], geo, geo);
        TensorPrimitives.MultiplyAdd(_uz, unit[3 * row + 2], geo, geo);
        if (options.AngularThresholdDegrees is { } degrees && !MaskOutside(geo, (float)Math.Cos(degrees * Math.PI / 180.0)))
        {
            // No bank entry within the angle: this query keeps its semantic weights alone.
            TensorPrimitives.Multiply(weights, 1f / semanticSum, weights);
            return;
        }
        TensorPrimitives.Multiply(geo, (float)options.GeoTemperature, geo);
        float geoSum = SoftmaxNumerator(geo);
        TensorPrimitives.Multiply(weights, (float)(options.Beta / semanticSum), weights);
        TensorPrimitives.MultiplyAdd(geo, (float)((1.0 - options.Beta) / geoSum), weights, weights);
    }

    /// <summary>x := exp(x - max x); returns the sum (the softmax denominator).</summary>
    private static float SoftmaxNumerator(Span<float> x)
    {
        TensorPrimitives.Subtract(x, TensorPrimitives.Max(x), x);
        TensorPrimitives.Exp(x, x);
        return TensorPrimitives.Sum(x);
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
            QueriesTensor = from_array(Queries).view(rows, keyDim).DetachFromDisposeScope();
            ScoresTensor = from_array(Scores).view(rows, count).DetachFromDisposeScope();
            OutputTensor = from_array(Output).view(rows, valueDim).DetachFromDisposeScope();
        }

        public int Rows { get; }
        public float[] Queries { get; }
        public float[] Scores { get; }
        public float[] Output { get; }
        public Tensor QueriesTensor { get; }
        public Tensor ScoresTensor { get; }
        public Tensor OutputTensor { get; }
    }
}
