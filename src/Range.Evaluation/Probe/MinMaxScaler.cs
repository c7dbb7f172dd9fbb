using TorchSharp;
using static TorchSharp.torch;

namespace RangeOrleans.Evaluation.Probe;

/// <summary>
/// sklearn's MinMaxScaler: x' = (x - min) / (max - min) per column with min and max from the
/// training rows only. A constant column gets range 1 (as sklearn's _handle_zeros_in_scale), so it
/// maps to 0 on train and to x - min elsewhere instead of dividing by zero.
/// </summary>
public sealed class MinMaxScaler : IDisposable
{
    private readonly Tensor _min;
    private readonly Tensor _range;

    private MinMaxScaler(Tensor min, Tensor range)
    {
        _min = min;
        _range = range;
    }

    /// <summary>Fits on <paramref name="train"/> (n x d, float64).</summary>
    public static MinMaxScaler Fit(Tensor train)
    {
        if (train.shape[0] < 1) throw new ArgumentException("min-max scaling needs at least one training row");
        using var scope = NewDisposeScope();
        var min = train.amin(new long[] { 0 });
        var range = train.amax(new long[] { 0 }) - min;
        range = where(range == 0, ones_like(range), range);
        return new MinMaxScaler(min.MoveToOuterDisposeScope(), range.MoveToOuterDisposeScope());
    }

    public Tensor Transform(Tensor x) => (x - _min) / _range;

    public void Dispose()
    {
        _min.Dispose();
        _range.Dispose();
    }
}
