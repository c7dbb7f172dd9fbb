using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;

namespace RangeOrleans.Core.Encoders;

/// <summary>
/// The SatCLIP reference's spherical harmonics, reproduced term by term. The reference evaluates
/// sympy-printed expressions: for m = 0 a polynomial in z = cos(theta) whose coefficients already hold
/// the normalisation; for m != 0, c * (1 - z**2)**(|m|/2) * poly(z) * cos|sin(|m| phi), with c and
/// every coefficient printed to 15 significant digits (a single-term poly is folded into c). At high l
/// those rounded coefficients (up to ~1e14) cancel catastrophically near the poles; matching the
/// published weights means matching that, so we rebuild the same coefficients from exact integer
/// arithmetic and evaluate them the same way (descending powers, left to right, through pow()).
/// </summary>
internal sealed class CompatHarmonicsTable
{
    private static readonly ConcurrentDictionary<int, CompatHarmonicsTable> s_tables = new();

    private readonly Term[] _terms;

    private CompatHarmonicsTable(int degree)
    {
        _terms = new Term[degree * degree];
        for (int l = 0; l < degree; l++)
            for (int m = -l; m <= l; m++)
                _terms[SphericalHarmonics.IndexOf(l, m)] = BuildTerm(l, m);
    }

    public static CompatHarmonicsTable For(int degree) => s_tables.GetOrAdd(degree, d => new CompatHarmonicsTable(d));

    public void Evaluate(double lon, double lat, Span<double> row)
    {
        SphericalHarmonics.Angles(lon, lat, out var phi, out var theta);
        double z = Math.Cos(theta);
        double oneMinusZ2 = 1.0 - Math.Pow(z, 2);
        for (int i = 0; i < _terms.Length; i++)
        {
            ref readonly Term t = ref _terms[i];
            double poly = 0;
            bool first = true;
            foreach (var (coef, power) in t.Polynomial)
            {
                double term = power == 0 ? coef : power == 1 ? coef * z : coef * Math.Pow(z, power);
                poly = first ? term : poly + term;
                first = false;
            }
            if (t.M == 0)
            {
                row[i] = poly;
                continue;
            }
            double value = t.Prefactor * Math.Pow(oneMinusZ2, Math.Abs(t.M) / 2.0);
            double trig = t.M > 0 ? Math.Cos(t.M * phi) : Math.Sin(-t.M * phi);
            row[i] = t.Polynomial.Length == 0 ? value * trig : value * poly * trig;
        }
    }

    private static Term BuildTerm(int l, int m)
    {
        int am = Math.Abs(m);
        // d^|m|/dz^|m| P_l(z) = 2^-l sum_k (-1)^k C(l,k) C(2l-2k,l) (l-2k)!/(l-2k-|m|)! z^(l-2k-|m|)
        var exact = new List<(double Coef, int Power)>();
        for (int k = 0; 2 * k <= l - am; k++)
        {
            BigInteger n = Binomial(l, k) * Binomial(2 * l - 2 * k, l) * FallingFactorial(l - 2 * k, am);
            if (k % 2 == 1) n = -n;
            double c = Math.ScaleB((double)n, -l);
            exact.Add((c, l - 2 * k - am));
        }

        if (m == 0)
        {
            // sqrt((2l+1)/4 * pi) * P_l(z), distributed over the terms by the CAS.
            double norm = Math.Sqrt((2 * l + 1) / 4.0 * Math.PI);
            return new Term(0, 0, exact.Select(t => (Round15(norm * t.Coef), t.Power)).ToArray());
        }

        // sqrt(2) * sqrt((2l+1)/(4 pi) * (l-|m|)!/(l+|m|)!); the (-1)^m of the reference cancels sympy's
        // Condon-Shortley phase.
        double ratio = 1.0;
        for (int j = l - am + 1; j <= l + am; j++) ratio /= j;
        double prefactor = Math.Sqrt(2.0) * Math.Sqrt((2 * l + 1) / (4.0 * Math.PI) * ratio);
        if (exact.Count == 1)
        {
            // A single term c*z^p: its coefficient folds into the prefactor, z^p stays a factor.
            var (coef, power) = exact[0];
            var rest = power == 0 ? Array.Empty<(double, int)>() : new[] { (1.0, power) };
            return new Term(m, Round15(prefactor * coef), rest);
        }
        return new Term(m, Round15(prefactor), exact.Select(t => (Round15(t.Coef), t.Power)).ToArray());
    }

    /// <summary>A value as sympy prints a 15-digit Float.</summary>
    internal static double Round15(double x) =>
        double.Parse(x.ToString("E14", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static BigInteger Binomial(int n, int k)
    {
        BigInteger r = BigInteger.One;
        for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
        return r;
    }

    private static BigInteger FallingFactorial(int n, int k)
    {
        BigInteger r = BigInteger.One;
        for (int i = 0; i < k; i++) r *= n - i;
        return r;
    }

    private readonly record struct Term(int M, double Prefactor, (double Coef, int Power)[] Polynomial);
}
