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
        if (x.shape[0] != y.shape[0]) throw new ArgumentException($"{x.shape[0]} feature rows but {y.shape[0]} target rows");
        using var scope = NewDisposeScope();
        var xMean = x.mean(new long[] { 0 });
        var yMean = y.mean(new long[] { 0 });
        var xc = x - xMean;
        var yc = y - yMean;
        return Solve(xc.T.matmul(xc), xc.T.matmul(yc), xMean, yMean, alpha);
    }

    /// <summary>
    /// The same fit from sums over the rows (n, sum x, sum y, X^T X, X^T Y): centring becomes
    /// X^T X - n m m^T. Cross-validation subtracts one fold's sums from the whole training split's, so
    /// each fold costs a d x d solve instead of a new product over all rows.
    /// </summary>
    public static RidgeModel Fit(RidgeSums sums, double alpha)
    {
        using var scope = NewDisposeScope();
        var xMean = sums.SumX / sums.Rows;
        var yMean = sums.SumY / sums.Rows;
        var gram = sums.XtX - sums.Rows * xMean.outer(xMean);
        var cross = sums.XtY - sums.Rows * xMean.outer(yMean);
        return Solve(gram, cross, xMean, yMean, alpha);
    }

    // Called inside the caller's dispose scope: moves only the results out.
    private static RidgeModel Solve(Tensor centredGram, Tensor centredCross, Tensor xMean, Tensor yMean, double alpha)
    {
        if (!(alpha > 0)) throw new ArgumentException($"ridge alpha must be positive, got {alpha}");
        var gram = centredGram.clone();
        gram.diagonal().add_(alpha);
        var factor = linalg.cholesky(gram);
        var weights = cholesky_solve(centredCross, factor);
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
