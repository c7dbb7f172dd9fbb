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

    [Theory]
    [InlineData(20_000, 15)]
    [InlineData(200_000, 10)]
    [InlineData(300_000, 30)]
    [InlineData(1_000_000, 45)]
    [InlineData(50_000, 2)]
    [InlineData(1_000, 1)]
    [InlineData(7, 90)]
    public void ExtentBoundsTheRealCountsPerTile(long points, double tileDegrees)
    {
        var lattice = new FibonacciLattice(points);
        var tiling = new GlobeTiling(tileDegrees);
        var counts = lattice.CountPerTile(tiling);
        var extent = lattice.Extent(tiling);
        long largest = counts.Max(c => c.Count);
        Assert.True(extent.Shards >= counts.Count, $"{extent} < {counts.Count} shards");
        Assert.True(extent.LargestShard >= largest, $"{extent} < {largest} points in the fullest shard");
        Assert.True(extent.LargestShard <= largest * 1.2 + 64, $"{extent}: a loose bound ({largest} real) would refuse jobs that fit");
    }

    [Fact]
    public void NonPositiveCountsAreRefused() =>
        Assert.Contains("--fibonacci", Assert.Throws<ArgumentException>(() => new FibonacciLattice(0)).Message);
}
