using RangeOrleans.Core.Jobs;

namespace RangeOrleans.Core.Tests.Jobs;

public class GridPointsTests
{
    [Fact]
    public void OneDegreeGridHas64800CellCentres()
    {
        var grid = new GridPoints(1);
        Assert.Equal(64_800, grid.Count);
        Assert.Equal(-179.5, grid.Lon(0));
        Assert.Equal(-89.5, grid.Lat(0));
        Assert.Equal(179.5, grid.Lon(359));
    }

    [Fact]
    public void EveryGridPointIsInExactlyOneTile()
    {
        var grid = new GridPoints(1);
        var tiling = new GlobeTiling(30);
        var counts = grid.CountPerTile(tiling);
        Assert.Equal(72, counts.Count);
        Assert.Equal(grid.Count, counts.Sum(c => c.Count));
        var seen = new HashSet<(double, double)>();
        foreach (var (tile, count) in counts)
        {
            var points = grid.PointsIn(tiling, tile);
            Assert.Equal(count, points.Count);
            for (int k = 0; k < points.Count; k++)
            {
                Assert.Equal(tile, tiling.TileOf(points.Lon[k], points.Lat[k]));
                Assert.True(seen.Add((points.Lon[k], points.Lat[k])));
            }
        }
        Assert.Equal(64_800, seen.Count);
    }

    [Fact]
    public void BoundingBoxKeepsOnlyCentresInside()
    {
        var grid = new GridPoints(1, BoundingBox.Parse("-10,40,10,50"));
        Assert.Equal(20 * 10, grid.Count);
        var tiling = new GlobeTiling(10);
        Assert.Equal(grid.Count, grid.CountPerTile(tiling).Sum(c => c.Count));
    }

    [Theory]
    [InlineData(0.7, "--grid")]
    [InlineData(-1, "--grid")]
    public void BadStepsAreRefused(double degrees, string named) =>
        Assert.Contains(named, Assert.Throws<ArgumentException>(() => new GridPoints(degrees)).Message);

    [Theory]
    [InlineData("1,2,3")]
    [InlineData("10,0,-10,5")]
    [InlineData("0,0,10,x")]
    [InlineData("0,-100,10,5")]
    public void BadBoxesAreRefused(string box) =>
        Assert.Contains("--bbox", Assert.Throws<ArgumentException>(() => BoundingBox.Parse(box)).Message);

    [Theory]
    [InlineData("NaN,0,10,10")]
    [InlineData("0,0,Infinity,10")]
    public void NonFiniteBoxesAreRefused(string box) =>
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => new GridPoints(1, ParseUnchecked(box))).Message);

    [Theory]
    [InlineData(0.0002)]    // 1.6 x 10^12 points
    [InlineData(0.00001)]   // 6.5 x 10^14 points
    [InlineData(0.0000002)] // 1.6 x 10^18 points, 1.8 x 10^9 columns
    public void AbsurdStepsAreRefusedBeforeAnythingIsSizedFromThem(double degrees)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ArgumentException>(() => new GridPoints(degrees));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "allocated before refusing");
        Assert.Contains("points, more than the 10,000,000,000 a job may have", e.Message);
    }

    [Fact]
    public void AFineStepOverASmallBoxLooksOnlyAtTheBox()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var grid = new GridPoints(0.0001, BoundingBox.Parse("10,20,10.01,20.01"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "allocated for the whole globe's columns");
        Assert.Equal(100L * 100, grid.Count);
        var tiling = new GlobeTiling(1);
        Assert.Equal(new TileExtent(1, 10_000), grid.Extent(tiling));
        Assert.Equal(grid.Count, grid.CountPerTile(tiling).Single().Count);
    }

    [Fact]
    public void ExtentMatchesTheCountsPerTile()
    {
        var grid = new GridPoints(0.5, BoundingBox.Parse("-30,-10,45,60"));
        var tiling = new GlobeTiling(10);
        var counts = grid.CountPerTile(tiling);
        Assert.Equal(new TileExtent(counts.Count, counts.Max(c => c.Count)), grid.Extent(tiling));
    }

    private static BoundingBox ParseUnchecked(string box)
    {
        var v = box.Split(',').Select(x => double.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new BoundingBox(v[0], v[1], v[2], v[3]);
    }

    [Fact]
    public void BoxWithoutCellCentreIsRefused() =>
        Assert.Throws<ArgumentException>(() => new GridPoints(10, BoundingBox.Parse("1,1,2,2")));
}
