using RangeOrleans.Imaging;
using RangeOrleans.Training.Data;

namespace RangeOrleans.Training.Tests.Data;

/// <summary>
/// A year of imagery (<c>--data earth</c>, the default; <c>earth-one-season</c> has one Blue Marble instead): the 2004 Blue Marble Next Generation mosaics of January, March, May,
/// July and August as RGB channels, then night lights and relief. What the seasons add is checked on places whose colour
/// the year changes (the taiga: snow in January, forest in July) and places it does not (the Congo, the Sahara).
/// </summary>
public sealed class SeasonalEarthImageryTests
{
    private static readonly Lazy<EquirectangularRaster> Year = new(() => EarthImagery.LoadSeasons());

    /// <summary>RGB of <paramref name="month"/> at a place, in 0..255.</summary>
    private static (double R, double G, double B) Rgb(int month, double lon, double lat)
    {
        int first = 3 * EarthImagery.SeasonalMonths.ToList().IndexOf(month);
        return (Year.Value.Sample(first, lon, lat) * 255, Year.Value.Sample(first + 1, lon, lat) * 255, Year.Value.Sample(first + 2, lon, lat) * 255);
    }

    [Fact]
    public void TheSeasonalDatasetHasRgbPerMonthThenNightLightsAndReliefAtTheSameLocationsAsEarth()
    {
        var seasons = DataSource.Open("earth", entries: 64, seed: 3);
        var earth = DataSource.Open("earth-one-season", entries: 64, seed: 3);
        Assert.Equal("earth", seasons.Name);
        Assert.Equal("earth-one-season", earth.Name);
        Assert.Equal(17, seasons.Channels);
        Assert.Equal(17, DataSource.Channels("earth"));
        Assert.Equal(17, DataSource.Channels("earth-land"));
        Assert.Equal(5, DataSource.Channels("earth-one-season"));
        Assert.Equal(5, DataSource.Channels("earth-one-season-land"));
        Assert.Equal(["red_01", "green_01", "blue_01"], EarthImagery.SeasonalChannelNames.Take(3));
        Assert.Equal(["night_lights", "relief"], EarthImagery.SeasonalChannelNames.TakeLast(2));
        for (int i = 0; i < 64; i++) Assert.Equal((earth.Lon(i), earth.Lat(i)), (seasons.Lon(i), seasons.Lat(i)));

        // The last two channels are the one-season imagery's night lights and relief, pixel for pixel.
        var seasonal = new float[17 * 16 * 16];
        var single = new float[5 * 16 * 16];
        seasons.ReadTile(5, 16, seasonal);
        earth.ReadTile(5, 16, single);
        Assert.Equal(single.AsSpan(3 * 256).ToArray(), seasonal.AsSpan(15 * 256).ToArray());
        Assert.Equal(17 * 2048 * 1024, Year.Value.Channels * Year.Value.Width * Year.Value.Height);
    }

    [Fact]
    public void SiberiaIsSnowWhiteInJanuaryAndGreenInJulyWhileTheCongoIsGreenAllYear()
    {
        var january = Rgb(1, 100, 62);
        Assert.True(january.R > 140 && january.G > 140 && january.B > 140, $"Siberia in January {january}");
        var july = Rgb(7, 100, 62);
        Assert.True(july.G > july.R && july.G > july.B && july.G < 80, $"Siberia in July {july}");
        foreach (int month in EarthImagery.SeasonalMonths)
        {
            var congo = Rgb(month, 22, 0);
            Assert.True(congo.G > congo.R && congo.G > congo.B && congo.G < 80, $"the Congo in month {month}: {congo}");
            var sahara = Rgb(month, 10, 24);
            Assert.True(sahara.R > 140 && sahara.R > sahara.B, $"the Sahara in month {month}: {sahara}");
        }
        // Canada's boreal forest at 58 N, 100 W: under snow in March, green in August.
        Assert.True(Rgb(3, -100, 58).B > 180 && Rgb(8, -100, 58).G < 60);
    }
}
