using RangeOrleans.Core.Jobs;

namespace RangeOrleans.Core.Tests.Jobs;

public class GlobeTilingTests
{
    [Fact]
    public void EdgesBelongToExactlyOneTileIncludingTheEastAndNorthLimits()
    {
        var tiling = new GlobeTiling(10);
        Assert.Equal(new Tile(0, 0), tiling.TileOf(-180, -90));
        Assert.Equal(new Tile(35, 17), tiling.TileOf(180, 90));
        Assert.Equal(new Tile(19, 9), tiling.TileOf(10, 0));  // west/south edges are closed
        Assert.Equal(new Tile(18, 8), tiling.TileOf(9.999999, -0.000001));
    }

    [Fact]
    public void TileIdsNameTheSouthWestCornerAndAreUnique()
    {
        var tiling = new GlobeTiling(10);
        Assert.Equal("t+010+20", tiling.Id(tiling.TileOf(15, 25)));
        Assert.Equal("t-180-90", tiling.Id(new Tile(0, 0)));
        var ids = new HashSet<string>();
        for (int r = 0; r < tiling.Rows; r++)
            for (int c = 0; c < tiling.Columns; c++)
            {
                Assert.True(ids.Add(tiling.Id(new Tile(c, r))));
                Assert.Equal(new Tile(c, r), tiling.ParseId(tiling.Id(new Tile(c, r))));
            }
        Assert.Equal(648, ids.Count);
        Assert.Equal("t-179.5+89.5", new GlobeTiling(0.5).Id(new Tile(1, 359)));
        Assert.Equal(new Tile(1, 359), new GlobeTiling(0.5).ParseId("t-179.5+89.5"));
        Assert.Throws<ArgumentException>(() => tiling.ParseId("t+005+00"));
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(200)]
    public void StepsThatDoNotDivide180AreRefused(double degrees)
    {
        var e = Assert.Throws<ArgumentException>(() => new GlobeTiling(degrees));
        Assert.Contains("--shard-degrees", e.Message);
    }

    [Fact]
    public void TilingsWithMillionsOfTilesAreRefused()
    {
        // 0.1 degrees would be 6,480,000 tiles: counting points per tile allocates a cell for each.
        var e = Assert.Throws<ArgumentException>(() => new GlobeTiling(0.1));
        Assert.Contains("6,480,000 tiles, more than the 2,000,000", e.Message);
        Assert.Equal(1_036_800, new GlobeTiling(0.25).TileCount);
    }

    [Fact]
    public void PointsOutsideTheGlobeAreRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GlobeTiling(10).TileOf(181, 0));
}
