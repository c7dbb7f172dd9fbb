using RangeOrleans.Core.Formats;
using RangeOrleans.Training.Data;

namespace RangeOrleans.Training.Tests.Data;

/// <summary>An S2 index.csv is read by the one CSV reader: coordinate columns named as in every points file.</summary>
public class S2IndexColumnsTests
{
    [Fact]
    public void IndexCoordinateColumnsMayHaveAnyOfTheirNames()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("index.csv"), "LAT,Longitude,fn\n1,2,missing.tif\n\n3,4,gone.tif\n");
        var s2 = new S2Dataset(dir.Path);
        Assert.Equal(0, s2.Count);
        Assert.Equal(2, s2.Skipped); // both rows parsed, their files are missing
    }

    [Fact]
    public void IndexWithTwoLongitudeColumnsIsRefusedNamingThem()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("index.csv"), "lat,lon,lng,fn\n1,2,2,a.tif\n");
        Assert.Contains("2 longitude columns ('lon', 'lng')", Assert.Throws<RangeFormatException>(() => new S2Dataset(dir.Path)).Message);
    }
}
