namespace RangeOrleans.Core.Encoders;

/// <summary>How spherical-harmonic features are evaluated.</summary>
public enum HarmonicsEvaluation
{
    /// <summary>
    /// As the SatCLIP reference does (and its published weights were trained with): each Y_l^m as the
    /// CAS-expanded polynomial in cos(theta) with coefficients rounded to 15 significant digits, powers
    /// through pow(). Exact to ~1e-12 for L = 10; for L = 40 it drifts from the true values near the poles,
    /// exactly like the reference. The default for SatCLIP checkpoints.
    /// </summary>
    Compat,

    /// <summary>A numerically stable recurrence for the normalised associated Legendre functions.</summary>
    Exact,
}
