using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RangeOrleans.Core.Retrieval;

/// <summary>
/// exp for 8 floats in float arithmetic (Cody-Waite reduction, Cephes' degree-6 polynomial, within 2 ulp).
/// The BCL's Vector256.Exp widens to double for correctly rounded results; the softmaxes of retrieval spend
/// one exp per bank entry and row, and at float32 weights the extra digits are rounded away anyway.
/// Inputs below -87.3 (where float32 exp leaves the normal range), -inf included, give exactly 0.
/// </summary>
internal static class VectorExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float Lowest = -87.3f;
    private const float Highest = 88.0f; // inputs above saturate (callers pass at most 80)

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a call would pass the vectors through memory
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var underflow = Vector256.LessThan(x, Vector256.Create(Lowest));
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(Lowest)), Vector256.Create(Highest));
        return Vector256.AndNot(ExpWithinRange(x), underflow);
    }

    /// <summary>
    /// exp for inputs already known to lie in [-87.3, 88] (RANGE+'s spatial logits, within +-80): the same result as
    /// <see cref="Exp"/> without its clamps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpWithinRange(Vector256<float> x)
    {
        var n = Vector256.Round(x * Vector256.Create(Log2E));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        var p = Vector256.Create(1.9875691500e-4f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.3981999507e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        var y = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
        return y * scale;
    }
}
