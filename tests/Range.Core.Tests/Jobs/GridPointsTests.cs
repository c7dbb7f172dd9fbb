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

    [Fact]
    public void BoxWithoutCellCentreIsRefused() =>
        Assert.Throws<ArgumentException>(() => new GridPoints(10, BoundingBox.Parse("1,1,2,2")));
}
