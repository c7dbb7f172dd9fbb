using RangeOrleans.Core.Jobs;

namespace RangeOrleans.Core.Tests.Jobs;

public class FibonacciLatticeTests
{
    [Fact]
    public void FollowsTheStandardFormula()
    {
        var lattice = new FibonacciLattice(1000);
        double phi = (1 + Math.Sqrt(5)) / 2;
        for (int i = 0; i < 1000; i += 97)
        {
            Assert.Equal(Math.Asin(1 - (2.0 * i + 1) / 1000) * 180 / Math.PI, lattice.Lat(i), 12);
            double expected = (i * 360 / phi) % 360 - 180;
            Assert.Equal(expected, lattice.Lon(i), 6);
        }
    }

    [Fact]
    public void EveryLatticePointIsInExactlyOneShard()
    {
        var lattice = new FibonacciLattice(20_000);
        var tiling = new GlobeTiling(15);
        var counts = lattice.CountPerTile(tiling);
        Assert.Equal(20_000, counts.Sum(c => c.Count));
        var all = new List<(double, double)>();
        foreach (var (tile, count) in counts)
        {
            var points = lattice.PointsIn(tiling, tile);
            Assert.Equal(count, points.Count);
            for (int k = 0; k < points.Count; k++) all.Add((points.Lon[k], points.Lat[k]));
        }
        var expected = Enumerable.Range(0, 20_000).Select(i => (lattice.Lon(i), lattice.Lat(i))).OrderBy(p => p).ToList();
        Assert.Equal(expected, all.OrderBy(p => p).ToList());
    }

    [Fact]
    public void NonPositiveCountsAreRefused() =>
        Assert.Contains("--fibonacci", Assert.Throws<ArgumentException>(() => new FibonacciLattice(0)).Message);
}
