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
    [InlineData(-74.1, 4.7)]   // Bogota
    public void PlacesOnNeither(double lon, double lat)
    {
        Assert.False(Continent.Africa.Contains(lon, lat));
        Assert.False(Continent.Asia.Contains(lon, lat));
    }

    [Theory]
    [InlineData(-74.1, 4.7)]    // Bogota
    [InlineData(-75.5, 10.4)]   // Cartagena, Caribbean coast of Colombia
    [InlineData(-61.5, 10.7)]   // Port of Spain, Trinidad
    [InlineData(-90.3, -0.7)]   // Galapagos
    [InlineData(-58.4, -34.6)]  // Buenos Aires
    [InlineData(-68.3, -54.8)]  // Ushuaia
    [InlineData(-57.9, -51.7)]  // Stanley, Falklands
    [InlineData(-60.0, -3.1)]   // Manaus
    public void SouthAmericanPlaces(double lon, double lat)
    {
        Assert.True(Continent.SouthAmerica.Contains(lon, lat));
        Assert.DoesNotContain(Continent.All, c => c != Continent.SouthAmerica && c.Contains(lon, lat));
    }

    [Theory]
    [InlineData(151.2, -33.9)]  // Sydney
    [InlineData(115.9, -32.0)]  // Perth
    [InlineData(130.8, -12.5)]  // Darwin
    [InlineData(147.2, -9.4)]   // Port Moresby
    [InlineData(174.8, -41.3)]  // Wellington
    [InlineData(178.4, -18.1)]  // Suva, Fiji
    [InlineData(-149.6, -17.5)] // Papeete, Tahiti, past the date line
    [InlineData(-157.9, 21.3)]  // Honolulu
    [InlineData(144.8, 13.5)]   // Guam
    [InlineData(134.5, 7.5)]    // Palau
    public void OceanianPlaces(double lon, double lat)
    {
        Assert.True(Continent.Oceania.Contains(lon, lat));
        Assert.DoesNotContain(Continent.All, c => c != Continent.Oceania && c.Contains(lon, lat));
    }

    [Theory]
    [InlineData(-79.5, 9.0)]    // Panama City
    [InlineData(-84.1, 9.9)]    // San Jose, Costa Rica
    [InlineData(-66.1, 18.5)]   // San Juan, Puerto Rico
    [InlineData(-99.1, 19.4)]   // Mexico City
    [InlineData(121.0, 14.6)]   // Manila (Asia)
    [InlineData(-109.4, -27.1)] // Easter Island (Oceania)
    public void CentralAmericaAndTheCaribbeanAreNotSouthAmerica(double lon, double lat)
    {
        Assert.False(Continent.SouthAmerica.Contains(lon, lat));
    }
}
