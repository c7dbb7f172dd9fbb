using RangeOrleans.Core.Encoders;
using RangeOrleans.Core.Formats.Numpy;

namespace RangeOrleans.Core.Tests.Encoders;

public class SphericalHarmonicsTests
{
    private static (double[] Lon, double[] Lat) FixturePoints()
    {
        var points = NpyReader.Read(TestData.Fixture("satclip_l10/points_lonlat.npy")).ToDoubleArray();
        int n = points.Length / 2;
        var lon = new double[n];
        var lat = new double[n];
        for (int i = 0; i < n; i++) { lon[i] = points[2 * i]; lat[i] = points[2 * i + 1]; }
        return (lon, lat);
    }

    [Theory]
    [InlineData(HarmonicsEvaluation.Compat)]
    [InlineData(HarmonicsEvaluation.Exact)]
    public void MatchesReferenceFeaturesAtL10(HarmonicsEvaluation evaluation)
    {
        var (lon, lat) = FixturePoints();
        var expected = NpyReader.Read(TestData.Fixture("satclip_l10/expected_sh_features.npy"));
        Assert.Equal(new long[] { lon.Length, 100 }, expected.Shape);
        var sh = new SphericalHarmonics(10, evaluation);
        var actual = new double[lon.Length * sh.FeatureCount];
        sh.Compute(lon, lat, actual);
        var want = expected.ToDoubleArray();
        double worst = 0;
        for (int i = 0; i < want.Length; i++) worst = Math.Max(worst, Math.Abs(want[i] - actual[i]));
        Assert.True(worst < 1e-9, $"max abs difference {worst:E3}");
    }

    [Fact]
    public void CompatAgreesWithExactBelow30DegreesAtL40()
    {
        var rng = new Random(3);
        int n = 500;
        var lon = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 360 - 180).ToArray();
        var lat = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 58 - 29).ToArray();
        var compat = new double[n * 1600];
        var exact = new double[n * 1600];
        new SphericalHarmonics(40, HarmonicsEvaluation.Compat).Compute(lon, lat, compat);
        new SphericalHarmonics(40, HarmonicsEvaluation.Exact).Compute(lon, lat, exact);
        double worst = compat.Zip(exact, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-6, $"max abs difference {worst:E3}");
    }

    [Fact]
    public void CompatDriftsNearThePolesAtL40LikeTheReference()
    {
        // METHOD.md: the reference's rounded coefficients are off by up to ~0.6 near the poles at L = 40.
        double[] lon = [12.5], lat = [84.0];
        var compat = new double[1600];
        var exact = new double[1600];
        new SphericalHarmonics(40, HarmonicsEvaluation.Compat).Compute(lon, lat, compat);
        new SphericalHarmonics(40, HarmonicsEvaluation.Exact).Compute(lon, lat, exact);
        double worst = compat.Zip(exact, (a, b) => Math.Abs(a - b)).Max();
        Assert.InRange(worst, 1e-6, 5.0);
    }

    [Theory]
    [InlineData(40, 0.3, 17.0)]
    [InlineData(40, -88.9, -179.5)]
    [InlineData(60, 45.0, 100.0)]
    public void ExactSatisfiesTheAdditionTheorem(int degree, double lat, double lon)
    {
        // sum_m |Y_l^m|^2 = (2l+1)/(4 pi) for orthonormal real harmonics; m = 0 carries the reference's extra pi.
        var sh = new SphericalHarmonics(degree, HarmonicsEvaluation.Exact);
        var row = new double[sh.FeatureCount];
        sh.Compute([lon], [lat], row);
        for (int l = 0; l < degree; l++)
        {
            double sum = 0;
            for (int m = -l; m <= l; m++)
            {
                double y = row[SphericalHarmonics.IndexOf(l, m)];
                if (m == 0) y /= Math.PI;
                sum += y * y;
            }
            Assert.Equal((2 * l + 1) / (4 * Math.PI), sum, 1e-9 * (2 * l + 1));
        }
    }

    [Fact]
    public void LowDegreesMatchClosedForms()
    {
        // theta from the south pole, phi = lon + 180 (radians), no Condon-Shortley phase.
        double lon = 30, lat = 20;
        double theta = (lat + 90) * Math.PI / 180, phi = (lon + 180) * Math.PI / 180;
        foreach (var evaluation in new[] { HarmonicsEvaluation.Compat, HarmonicsEvaluation.Exact })
        {
            var row = new double[9];
            new SphericalHarmonics(3, evaluation).Compute([lon], [lat], row);
            Assert.Equal(Math.Sqrt(Math.PI / 4), row[0], 1e-12);
            Assert.Equal(Math.Sqrt(3 * Math.PI / 4) * Math.Cos(theta), row[SphericalHarmonics.IndexOf(1, 0)], 1e-12);
            Assert.Equal(Math.Sqrt(3 / (4 * Math.PI)) * Math.Sin(theta) * Math.Cos(phi), row[SphericalHarmonics.IndexOf(1, 1)], 1e-12);
            Assert.Equal(Math.Sqrt(3 / (4 * Math.PI)) * Math.Sin(theta) * Math.Sin(phi), row[SphericalHarmonics.IndexOf(1, -1)], 1e-12);
            Assert.Equal(0.25 * Math.Sqrt(15 / Math.PI) * Math.Sin(theta) * Math.Sin(theta) * Math.Sin(2 * phi), row[SphericalHarmonics.IndexOf(2, -2)], 1e-12);
        }
    }

    [Fact]
    public void CompatCoefficientsAreRoundedTo15SignificantDigits()
    {
        Assert.Equal(0.304697199642977, CompatHarmonicsTable.Round15(Math.Sqrt(2) * Math.Sqrt(7 / (4 * Math.PI) / 12)), 15);
        Assert.Equal(1.23456789012346e14, CompatHarmonicsTable.Round15(123456789012345.67));
    }
}
