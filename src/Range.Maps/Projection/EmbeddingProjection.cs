using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Maps.Projection;

/// <summary>
/// Projects n x d embeddings to n x 3 components. PCA: centred rows, SVD (LAPACK through TorchSharp,
/// float64), the three directions of largest variance. ICA: FastICA as sklearn's defaults (whitened
/// to three PCA components, logcosh contrast, symmetric decorrelation, at most 200 iterations,
/// tolerance 1e-4), started from a 3 x 3 standard-normal matrix drawn from <c>new Random(seed)</c>.
/// Both are fitted on at most <see cref="MaxFitRows"/> rows (a seeded sample) and applied to all rows.
/// </summary>
public static class EmbeddingProjection
{
    public const int MaxFitRows = 50_000;
    public const int Components = 3;

    public static float[] Project(float[] embeddings, int rows, int dim, ProjectionMethod method, int seed = 0)
    {
        if (rows < 2) throw new ArgumentException($"a projection needs at least 2 embeddings, got {rows}");
        if (embeddings.LongLength != (long)rows * dim) throw new ArgumentException($"{embeddings.LongLength} values are not {rows} x {dim}");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = tensor(embeddings, new long[] { rows, dim }).to(ScalarType.Float64);
        var fit = rows > MaxFitRows ? x.index_select(0, tensor(Sample(rows, MaxFitRows, seed))) : x;
        var mean = fit.mean(new long[] { 0 });
        var (_, s, vh) = linalg.svd(fit - mean, fullMatrices: false);
        int k = (int)Math.Min(Components, vh.shape[0]);
        var basis = vh.narrow(0, 0, k).T; // d x k
        var scores = (x - mean).matmul(basis);
        if (method == ProjectionMethod.Ica && k == Components)
        {
            // Whitening: unit variance per component, as sklearn (singular value / sqrt(n)).
            var scale = s.narrow(0, 0, k) / Math.Sqrt(fit.shape[0]);
            scale = where(scale > 1e-12, scale, ones_like(scale));
            var whitened = scores / scale;
            var fitWhitened = (fit - mean).matmul(basis) / scale;
            var unmixing = FastIca(fitWhitened, seed);
            scores = whitened.matmul(unmixing.T);
        }
        if (k < Components) scores = cat(new[] { scores, zeros(rows, Components - k, ScalarType.Float64) }, 1);
        return scores.to(ScalarType.Float32).contiguous().data<float>().ToArray();
    }

    private static Tensor FastIca(Tensor z, int seed)
    {
        var random = new Random(seed);
        var init = new double[Components * Components];
        for (int i = 0; i < init.Length; i++)
            init[i] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var w = Decorrelate(tensor(init, new long[] { Components, Components }));
        double n = z.shape[0];
        for (int iteration = 0; iteration < 200; iteration++)
        {
            var g = tanh(z.matmul(w.T)); // n x 3
            var gPrime = (1 - g * g).mean(new long[] { 0 }); // 3
            var next = Decorrelate(g.T.matmul(z) / n - gPrime.unsqueeze(1) * w);
            double change = (next.matmul(w.T).diagonal().abs() - 1).abs().max().item<double>();
            w = next;
            if (change < 1e-4) break;
        }
        return w;
    }

    /// <summary>W (W^T W)^-1/2 in sklearn's form: (W W^T)^-1/2 W.</summary>
    private static Tensor Decorrelate(Tensor w)
    {
        var (values, vectors) = linalg.eigh(w.matmul(w.T));
        return vectors.matmul(diag(values.clamp_min(1e-12).rsqrt())).matmul(vectors.T).matmul(w);
    }

    private static long[] Sample(int rows, int count, int seed)
    {
        var random = new Random(seed);
        var order = new long[rows];
        for (int i = 0; i < rows; i++) order[i] = i;
        for (int i = 0; i < count; i++)
        {
            int j = random.Next(i, rows);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order[..count];
    }
}
