using RangeOrleans.Evaluation.Splits;

namespace RangeOrleans.Evaluation.Tests.Splits;

public class ContinentTests
{
    [Theory]
    [InlineData(31.2, 30.0)]   // Cairo
    [InlineData(10.2, 36.8)]   // Tunis
    [InlineData(36.8, -1.3)]   // Nairobi
    [InlineData(18.4, -33.9)]  // Cape Town
    [InlineData(47.5, -18.9)]  // Antananarivo
    [InlineData(-17.4, 14.7)]  // Dakar
    [InlineData(39.3, 15.6)]   // Massawa, Red Sea coast of Eritrea
    public void AfricanPlaces(double lon, double lat)
    {
        Assert.True(Continent.Africa.Contains(lon, lat));
        Assert.False(Continent.Asia.Contains(lon, lat));
    }

    [Theory]
    [InlineData(46.7, 24.7)]   // Riyadh
    [InlineData(39.2, 21.5)]   // Jeddah
    [InlineData(33.8, 28.5)]   // Sinai
    [InlineData(72.9, 19.1)]   // Mumbai
    [InlineData(139.7, 35.7)]  // Tokyo
    [InlineData(106.8, -6.2)]  // Jakarta
    [InlineData(82.9, 55.0)]   // Novosibirsk
    [InlineData(44.8, 41.7)]   // Tbilisi
    [InlineData(33.4, 35.2)]   // Cyprus
    [InlineData(-175.0, 66.0)] // Chukotka, past the date line
    [InlineData(32.9, 39.9)]   // Ankara
    public void AsianPlaces(double lon, double lat)
    {
        Assert.True(Continent.Asia.Contains(lon, lat));
        Assert.False(Continent.Africa.Contains(lon, lat));
    }

    [Theory]
    [InlineData(-3.7, 40.4)]   // Madrid
    [InlineData(13.4, 38.1)]   // Palermo
    [InlineData(14.5, 35.9)]   // Malta
    [InlineData(25.1, 35.3)]   // Crete
    [InlineData(37.6, 55.8)]   // Moscow
    [InlineData(147.2, -9.4)]  // Port Moresby
    [InlineData(151.2, -33.9)] // Sydney
    [InlineData(-149.9, 61.2)] // Anchorage
    [InlineData(144.8, 13.5)]  // Guam
    public void PlacesOnNeither(double lon, double lat)
    {
        Assert.False(Continent.Africa.Contains(lon, lat));
        Assert.False(Continent.Asia.Contains(lon, lat));
    }
}
