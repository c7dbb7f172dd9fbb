using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Evaluation.Probe;

/// <summary>Sufficient statistics of a ridge fit over some rows: their count, column sums, X^T X and X^T Y (float64).</summary>
public sealed class RidgeSums : IDisposable
{
    private RidgeSums(long rows, Tensor sumX, Tensor sumY, Tensor xtx, Tensor xty)
    {
        Rows = rows;
        SumX = sumX;
        SumY = sumY;
        XtX = xtx;
        XtY = xty;
    }

    public long Rows { get; }
    public Tensor SumX { get; }
    public Tensor SumY { get; }
    public Tensor XtX { get; }
    public Tensor XtY { get; }

    public static RidgeSums Of(Tensor x, Tensor y) =>
        new(x.shape[0], x.sum(new long[] { 0 }), y.sum(new long[] { 0 }), x.T.matmul(x), x.T.matmul(y));

    /// <summary>The sums over this set's rows less <paramref name="part"/>'s (which must be a subset).</summary>
    public RidgeSums Minus(RidgeSums part)
    {
        if (part.Rows >= Rows) throw new ArgumentException("cannot remove all rows from a ridge fit");
        return new(Rows - part.Rows, SumX - part.SumX, SumY - part.SumY, XtX - part.XtX, XtY - part.XtY);
    }

    public void Dispose()
    {
        SumX.Dispose();
        SumY.Dispose();
        XtX.Dispose();
        XtY.Dispose();
    }
}
