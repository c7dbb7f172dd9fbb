using System.Runtime.Intrinsics;
using RangeOrleans.Core.Retrieval;

namespace RangeOrleans.Core.Tests.Retrieval;

public class VectorExpTests
{
    [Fact]
    public void AgreesWithDoubleExpWithinTwoUlpOverTheSoftmaxRange()
    {
        var rng = new Random(3);
        var x = new float[8];
        for (int trial = 0; trial < 20_000; trial++)
        {
            for (int i = 0; i < 8; i++) x[i] = (float)(rng.NextDouble() * 170 - 85); // softmax inputs are <= 0; both signs checked
            var got = VectorExp.Exp(Vector256.Create<float>(x));
            for (int i = 0; i < 8; i++)
            {
                float want = (float)Math.Exp(x[i]);
                float ulp = MathF.BitIncrement(want) - want;
                Assert.True(Math.Abs(got[i] - want) <= 2 * ulp, $"exp({x[i]:R}) = {got[i]:R}, want {want:R}");
            }
        }
    }

    [Fact]
    public void UnderflowsToExactZeroForMaskedAndVeryNegativeInputs()
    {
        var got = VectorExp.Exp(Vector256.Create(float.NegativeInfinity, -1000f, -87.31f, -87.2f, 0f, 1f, -1f, 88f));
        Assert.Equal(0f, got[0]);
        Assert.Equal(0f, got[1]);
        Assert.Equal(0f, got[2]);
        Assert.True(got[3] > 0);
        Assert.Equal(1f, got[4]);
        Assert.Equal(MathF.E, got[5], 6);
        Assert.Equal(MathF.Exp(88f), got[7], MathF.Exp(88f) * 2e-7f);
    }

    [Fact]
    public void WithinRangeVariantEqualsTheClampedOneBitForBitOverRangePlusSpatialLogits()
    {
        var rng = new Random(5);
        var x = new float[8];
        for (int trial = 0; trial < 20_000; trial++)
        {
            for (int i = 0; i < 8; i++) x[i] = (float)(rng.NextDouble() * 160 - 80);
            var v = Vector256.Create<float>(x);
            Assert.Equal(VectorExp.Exp(v), VectorExp.ExpWithinRange(v));
        }
    }
}
