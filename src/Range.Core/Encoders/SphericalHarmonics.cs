namespace RangeOrleans.Core.Encoders;

/// <summary>
/// Real spherical-harmonic features of (lon, lat) as SatCLIP computes them: L*L features ordered
/// l = 0..L-1 and, inside each l, m = -l..l; phi = radians(lon + 180), theta = radians(lat + 90);
/// no Condon-Shortley phase; m = 0 carries the reference's sqrt((2l+1) pi / 4) normalisation (pi in the
/// numerator), which the published weights were trained with. See docs/METHOD.md.
/// </summary>
public sealed class SphericalHarmonics
{
    private readonly CompatHarmonicsTable? _compat;

    public SphericalHarmonics(int legendrePolys, HarmonicsEvaluation evaluation = HarmonicsEvaluation.Compat)
    {
        if (legendrePolys < 1 || legendrePolys > 100)
            throw new ArgumentOutOfRangeException(nameof(legendrePolys), legendrePolys, "legendre_polys must be in [1, 100]");
        Degree = legendrePolys;
        Evaluation = evaluation;
        if (evaluation == HarmonicsEvaluation.Compat)
            _compat = CompatHarmonicsTable.For(legendrePolys);
    }

    /// <summary>L, the number of Legendre degrees (l = 0..L-1).</summary>
    public int Degree { get; }

    public HarmonicsEvaluation Evaluation { get; }

    /// <summary>L*L.</summary>
    public int FeatureCount => Degree * Degree;

    /// <summary>Index of feature (l, m) in a row.</summary>
    public static int IndexOf(int l, int m) => l * l + l + m;

    /// <summary>Writes n rows of <see cref="FeatureCount"/> features into <paramref name="features"/>.</summary>
    public void Compute(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, Span<double> features)
    {
        int f = FeatureCount;
        if (lat.Length != lon.Length || features.Length != lon.Length * f)
            throw new ArgumentException($"expected {lon.Length} x {f} features for {lon.Length} points");
        for (int i = 0; i < lon.Length; i++)
        {
            var row = features.Slice(i * f, f);
            if (_compat is not null)
                _compat.Evaluate(lon[i], lat[i], row);
            else
                EvaluateExact(lon[i], lat[i], row);
        }
    }

    /// <summary>Angles as the reference derives them (torch.deg2rad of shifted degrees).</summary>
    internal static void Angles(double lon, double lat, out double phi, out double theta)
    {
        phi = (lon + 180.0) * (Math.PI / 180.0);
        theta = (lat + 90.0) * (Math.PI / 180.0);
    }

    private void EvaluateExact(double lon, double lat, Span<double> row)
    {
        Angles(lon, lat, out var phi, out var theta);
        double z = Math.Cos(theta), s = Math.Sin(theta);
        int L = Degree;
        // Normalised P̄_l^m = N(l,m) P_l^m by the standard stable recurrences, column by column in m.
        double pmm = Math.Sqrt(1.0 / (4.0 * Math.PI));
        for (int m = 0; m < L; m++)
        {
            if (m > 0)
                pmm *= Math.Sqrt((2.0 * m + 1.0) / (2.0 * m)) * s;
            double cosM = Math.Cos(m * phi), sinM = Math.Sin(m * phi);
            double prev2 = 0, prev1 = pmm;
            for (int l = m; l < L; l++)
            {
                double p;
                if (l == m) p = pmm;
                else if (l == m + 1) p = Math.Sqrt(2.0 * m + 3.0) * z * pmm;
                else
                {
                    double a = Math.Sqrt((4.0 * l * l - 1.0) / ((double)l * l - (double)m * m));
                    double b = Math.Sqrt(((l - 1.0) * (l - 1.0) - (double)m * m) / (4.0 * (l - 1.0) * (l - 1.0) - 1.0));
                    p = a * (z * prev1 - b * prev2);
                }
                if (l > m) { prev2 = prev1; prev1 = p; }
                if (m == 0)
                    row[IndexOf(l, 0)] = Math.PI * p; // sqrt((2l+1) pi / 4) P_l = pi * N(l,0) P_l
                else
                {
                    row[IndexOf(l, m)] = Math.Sqrt(2.0) * p * cosM;
                    row[IndexOf(l, -m)] = Math.Sqrt(2.0) * p * sinM;
                }
            }
        }
    }
}
