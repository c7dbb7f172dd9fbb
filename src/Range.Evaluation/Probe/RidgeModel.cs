using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Evaluation.Probe;

/// <summary>
/// Ridge regression with any number of outputs, fitted as sklearn's Ridge (fit_intercept = True):
/// X and Y are centred on their training means, W solves (Xc^T Xc + alpha I) W = Xc^T Yc by a
/// Cholesky factorisation (LAPACK through TorchSharp, float64), and the intercept
/// b = mean(Y) - mean(X) W is not penalised.
/// </summary>
public sealed class RidgeModel : IDisposable
{
    private RidgeModel(Tensor weights, Tensor intercept)
    {
        Weights = weights;
        Intercept = intercept;
    }

    /// <summary>d x k coefficients.</summary>
    public Tensor Weights { get; }

    /// <summary>k intercepts.</summary>
    public Tensor Intercept { get; }

    /// <summary>Fits on x (n x d) and y (n x k), both float64.</summary>
    public static RidgeModel Fit(Tensor x, Tensor y, double alpha)
    {
        if (!(alpha > 0)) throw new ArgumentException($"ridge alpha must be positive, got {alpha}");
        if (x.shape[0] != y.shape[0]) throw new ArgumentException($"{x.shape[0]} feature rows but {y.shape[0]} target rows");
        using var scope = NewDisposeScope();
        var xMean = x.mean(new long[] { 0 });
        var yMean = y.mean(new long[] { 0 });
        var xc = x - xMean;
        var yc = y - yMean;
        var gram = xc.T.matmul(xc);
        gram.diagonal().add_(alpha);
        var factor = linalg.cholesky(gram);
        var weights = cholesky_solve(xc.T.matmul(yc), factor);
        var intercept = yMean - xMean.matmul(weights);
        return new RidgeModel(weights.MoveToOuterDisposeScope(), intercept.MoveToOuterDisposeScope());
    }

    /// <summary>n x k predictions.</summary>
    public Tensor Predict(Tensor x) => x.matmul(Weights) + Intercept;

    public void Dispose()
    {
        Weights.Dispose();
        Intercept.Dispose();
    }
}
