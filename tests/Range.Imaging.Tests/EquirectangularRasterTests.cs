using RangeOrleans.Core.Formats;

namespace RangeOrleans.Imaging.Tests;

public sealed class EquirectangularRasterTests
{
    private static readonly Lazy<EquirectangularRaster> Earth = new(() => EarthImagery.Load());

    [Fact]
    public void EarthImageryIsFiveChannelsOnThe2048By1024Grid()
    {
        var earth = Earth.Value;
        Assert.Equal((2048, 1024, 5), (earth.Width, earth.Height, earth.Channels));
        Assert.Equal(5, EarthImagery.ChannelNames.Count);
    }

    [Fact]
    public void PlateCarreeConventionPutsLonMinus180LeftAndNorthUp()
    {
        var earth = Earth.Value;
        Assert.Equal(-0.5, earth.PixelX(-180), 9);
        Assert.Equal(2047.5, earth.PixelX(180), 9);
        Assert.Equal(-0.5, earth.PixelY(90), 9);
        Assert.Equal(1023.5, earth.PixelY(-90), 9);
        Assert.Equal(-179.912109375, earth.Longitude(0), 9);
        Assert.Equal(89.912109375, earth.Latitude(0), 9);
    }

    [Fact]
    public void SeaIsBlueAndSaharaIsBrightAndAntarcticaIsWhite()
    {
        var earth = Earth.Value;
        // Mid-Pacific: blue dominates red.
        Assert.True(earth.Sample(2, -150, 0) > earth.Sample(0, -150, 0) + 0.05f);
        // Sahara: red dominates blue, bright.
        Assert.True(earth.Sample(0, 10, 23) > earth.Sample(2, 10, 23) + 0.1f);
        // Antarctic plateau: white in every colour band.
        for (int c = 0; c < 3; c++) Assert.True(earth.Sample(c, 60, -80) > 0.7f);
    }

    [Fact]
    public void NightLightsAreBrightOverCitiesAndDarkOverSea()
    {
        var earth = Earth.Value;
        float tokyo = MaxAround(earth, 3, 139.7, 35.7);
        float ocean = MaxAround(earth, 3, -150, -30);
        Assert.True(tokyo > 0.5f, $"Tokyo night lights {tokyo}");
        Assert.True(ocean < 0.15f, $"South Pacific night lights {ocean}");
    }

    [Fact]
    public void ReliefIsHighOnTibetAndZeroAtSea()
    {
        var earth = Earth.Value;
        Assert.True(earth.Sample(4, 88, 32) > 0.5f, $"Tibet relief {earth.Sample(4, 88, 32)}");
        Assert.True(earth.Sample(4, -150, -30) < 0.02f, $"South Pacific relief {earth.Sample(4, -150, -30)}");
        Assert.True(earth.Sample(4, 88, 32) > earth.Sample(4, 10, 23) + 0.3f, "Tibet above the Sahara");
    }

    [Fact]
    public void TileIsCentredOnThePointAndWrapsAcrossTheAntimeridian()
    {
        var earth = Earth.Value;
        const int size = 8;
        var tile = earth.CutTile(179.95, 0, size);
        Assert.Equal(earth.Channels * size * size, tile.Length);
        // Centre-ish pixel (row 4, col 4) is the pixel nearest the point; columns past the right edge wrap to x = 0.
        int cx = (int)Math.Round(earth.PixelX(179.95)), cy = (int)Math.Round(earth.PixelY(0));
        for (int c = 0; c < earth.Channels; c++)
        {
            Assert.Equal(earth.Pixel(c, cx, cy), tile[(c * size + size / 2) * size + size / 2]);
            Assert.Equal(earth.Pixel(c, 0, cy), tile[(c * size + size / 2) * size + size / 2 + (2048 - cx)]);
        }
    }

    [Fact]
    public void TileBufferOfWrongSizeIsRefused() =>
        Assert.Throws<ArgumentException>(() => Earth.Value.CutTile(0, 0, 4, new float[10]));

    [Fact]
    public void NonImageIsRangeFormatException()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("x.jpg"), "not an image");
        var ex = Assert.Throws<RangeFormatException>(() => EquirectangularRaster.Decode(dir.File("x.jpg")));
        Assert.Contains("x.jpg", ex.Message);
    }

    private static float MaxAround(EquirectangularRaster r, int channel, double lon, double lat)
    {
        float max = 0;
        for (double dx = -1; dx <= 1; dx += 0.2)
        {
            for (double dy = -1; dy <= 1; dy += 0.2)
                max = Math.Max(max, r.Sample(channel, lon + dx, lat + dy));
        }
        return max;
    }
}
