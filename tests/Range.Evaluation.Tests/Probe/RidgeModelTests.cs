using RangeOrleans.Evaluation.Probe;
using static TorchSharp.torch;

namespace RangeOrleans.Evaluation.Tests.Probe;

public class RidgeModelTests
{
    [Fact]
    public void OneFeatureMatchesTheClosedForm()
    {
        // x = 0, 1, 2; y = 1, 3, 5; centred: xc = -1, 0, 1, yc = -2, 0, 2.
        // w = sum(xc yc) / (sum(xc^2) + alpha) = 4 / 3; b = mean(y) - mean(x) w = 3 - 4/3 = 5/3.
        using var x = tensor(new double[] { 0, 1, 2 }, new long[] { 3, 1 });
        using var y = tensor(new double[] { 1, 3, 5 }, new long[] { 3, 1 });
        using var model = RidgeModel.Fit(x, y, alpha: 1.0);
        Assert.Equal(4.0 / 3.0, model.Weights[0, 0].item<double>(), 12);
        Assert.Equal(5.0 / 3.0, model.Intercept[0].item<double>(), 12);
    }

    [Fact]
    public void TwoFeaturesMatchHandSolvedNormalEquations()
    {
        // Xc^T Xc = I, Xc^T yc = (1, 2): W = (I + 1 I)^-1 (1, 2) = (0.5, 1); b = 1.5 - (0.5 * 0.5 + 0.5 * 1) = 0.75.
        using var x = tensor(new double[] { 1, 0, 0, 1, 1, 1, 0, 0 }, new long[] { 4, 2 });
        using var y = tensor(new double[] { 1, 2, 3, 0 }, new long[] { 4, 1 });
        using var model = RidgeModel.Fit(x, y, alpha: 1.0);
        Assert.Equal(0.5, model.Weights[0, 0].item<double>(), 12);
        Assert.Equal(1.0, model.Weights[1, 0].item<double>(), 12);
        Assert.Equal(0.75, model.Intercept[0].item<double>(), 12);
    }

    [Fact]
    public void InterceptIsNotPenalised()
    {
        // A constant target is fitted exactly by the intercept alone, whatever alpha.
        using var x = tensor(new double[] { 0, 1, 2, 3 }, new long[] { 4, 1 });
        using var y = tensor(new double[] { 7, 7, 7, 7 }, new long[] { 4, 1 });
        using var model = RidgeModel.Fit(x, y, alpha: 10.0);
        Assert.Equal(0.0, model.Weights[0, 0].item<double>(), 12);
        Assert.Equal(7.0, model.Intercept[0].item<double>(), 12);
    }

    [Fact]
    public void NonPositiveAlphaIsRefused()
    {
        using var x = zeros(2, 1, ScalarType.Float64);
        Assert.Throws<ArgumentException>(() => RidgeModel.Fit(x, x, 0));
    }
}
