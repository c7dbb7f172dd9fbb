using System.Text;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Geography;

namespace RangeOrleans.Core.Tests.Geography;

public sealed class GeographyTests
{
    private static readonly Lazy<LandMask> Land = new(() => LandMask.Load());
    private static readonly Lazy<CountryIndex> Countries = new(() => CountryIndex.Load());

    [Theory]
    [InlineData(2.35, 48.86, true)]     // Paris
    [InlineData(-160.0, 0.0, false)]    // mid-Pacific
    [InlineData(-30.0, 30.0, false)]    // mid-Atlantic
    [InlineData(134.0, -25.0, true)]    // central Australia
    [InlineData(0.0, -85.0, true)]      // Antarctica
    [InlineData(-100.0, 40.0, true)]    // Kansas
    [InlineData(88.0, -10.0, false)]    // Indian Ocean
    [InlineData(-60.0, -89.5, true)]    // near the South Pole
    [InlineData(-60.0, -60.0, false)]   // Drake Passage / Southern Ocean
    [InlineData(0.0, 89.5, false)]      // North Pole: sea ice, not land
    public void LandMaskKnowsLandFromSea(double lon, double lat, bool land) =>
        Assert.Equal(land, Land.Value.IsLand(lon, lat));

    [Fact]
    public void LandCoversAboutAThirdOfTheSphere()
    {
        // Earth: ~29% land (Antarctica included). Uniform points on the sphere: lat = asin(2u - 1).
        var random = new Random(7);
        int land = 0;
        const int n = 20000;
        for (int i = 0; i < n; i++)
        {
            double lon = random.NextDouble() * 360 - 180;
            double lat = Math.Asin(2 * random.NextDouble() - 1) * 180 / Math.PI;
            if (Land.Value.IsLand(lon, lat)) land++;
        }
        Assert.InRange(land / (double)n, 0.27, 0.31);
    }

    [Theory]
    [InlineData(2.35, 48.86, "France")]
    [InlineData(13.4, 52.5, "Germany")]
    [InlineData(-77.04, 38.9, "United States of America")]
    [InlineData(0.0, -85.0, "Antarctica")]
    [InlineData(139.7, 35.7, "Japan")]
    [InlineData(-58.4, -34.6, "Argentina")]
    [InlineData(178.0, -17.8, "Fiji")]
    [InlineData(37.6, 55.75, "Russia")]
    public void CountryIndexFindsCountryOfCapital(double lon, double lat, string name) =>
        Assert.Equal(name, Countries.Value.CountryAt(lon, lat)?.Name);

    [Fact]
    public void CountryIndexFindsCountriesByNameAndIsoId()
    {
        Assert.Equal("250", Countries.Value.Find("france")?.Id);
        Assert.Equal("France", Countries.Value.Find("250")?.Name);
        Assert.Null(Countries.Value.Find("Atlantis"));
        Assert.Null(Countries.Value.CountryAt(-160, 0));
    }

    [Fact]
    public void ReaderDecodesDeltaArcsAndReversedIndices()
    {
        // Two arcs forming a unit square (scale 1, translate 10,20); the second ring uses ~0 (arc 0 reversed).
        const string json = """
        {"type":"Topology","transform":{"scale":[1,1],"translate":[10,20]},
         "arcs":[[[0,0],[1,0],[0,1]],[[1,1],[-1,0],[0,-1]]],
         "objects":{"sq":{"type":"GeometryCollection","geometries":[
            {"type":"Polygon","arcs":[[0,1]],"id":"1","properties":{"name":"square"}},
            {"type":"MultiPolygon","arcs":[[[-1,-2]]]}]}}}
        """;
        var features = TopoJsonReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), "sq.json", "sq");
        Assert.Equal(2, features.Count);
        Assert.Equal(new double[] { 10, 20, 11, 20, 11, 21, 10, 21, 10, 20 }, features[0].Polygons[0].Rings[0]);
        Assert.Equal(new double[] { 11, 21, 11, 20, 10, 20, 10, 21, 11, 21 }, features[1].Polygons[0].Rings[0]);
        var index = new PolygonIndex(features);
        Assert.Equal(0, index.Locate(10.5, 20.5));
        Assert.Equal(-1, index.Locate(9.5, 20.5));
    }

    [Theory]
    [InlineData("{\"type\":\"FeatureCollection\"}", "Topology")]
    [InlineData("{\"type\":\"Topology\",\"arcs\":[],\"objects\":{}}", "no object 'land'")]
    [InlineData("{\"type\":\"Topology\",\"arcs\":[[[0,0],[1,1]]],\"objects\":{\"land\":{\"type\":\"Polygon\",\"arcs\":[[5]]}}}", "arc index 5")]
    [InlineData("{\"type\":\"Topology\",\"arcs\":[[[0,\"x\"]]],\"objects\":{}}", "arcs[0]")]
    [InlineData("not json", "not valid JSON")]
    public void MalformedTopoJsonIsRangeFormatException(string json, string message)
    {
        var ex = Assert.Throws<RangeFormatException>(() => TopoJsonReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), "bad.json", "land"));
        Assert.Contains(message, ex.Message);
        Assert.Contains("bad.json", ex.Message);
    }
}
