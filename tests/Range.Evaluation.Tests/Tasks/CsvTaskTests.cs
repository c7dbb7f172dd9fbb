using RangeOrleans.Core.Formats;
using RangeOrleans.Evaluation.Probe;
using RangeOrleans.Evaluation.Tasks;

namespace RangeOrleans.Evaluation.Tests.Tasks;

public class CsvTaskTests
{
    private static string DataDir => TestData.DataDir;

    [Fact]
    public void AirTemperatureHasEveryStation()
    {
        var data = new AirTemperatureTask(DataDir).Load(0);
        Assert.Equal(3076, data.Count);
        Assert.Equal(7.82, data.Lon[0]);
        Assert.Equal(36.83, data.Lat[0]);
        Assert.Equal(18.025, data.Targets[0], 9);
    }

    [Fact]
    public void CaliforniaHousingReadsLongitudeLatitudeColumns()
    {
        var data = new CaliforniaHousingTask(DataDir).Load(0);
        Assert.Equal(20640, data.Count);
        Assert.Equal(-122.23, data.Lon[0]);
        Assert.Equal(452600, data.Targets[0]);
    }

    [Fact]
    public void ClassificationTargetsMayBeText()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("t.csv"), "lat,lon,biome\n1,2,forest\n3,4,desert\n5,6,forest\n");
        var data = new CsvTask(dir.File("t.csv"), "biome", ProblemKind.Classification).Load(0);
        Assert.Equal(new[] { 1.0, 0.0, 1.0 }, data.Targets);
        Assert.Equal(new[] { 2.0, 4.0, 6.0 }, data.Lon);
    }

    [Fact]
    public void MissingTargetColumnIsNamed()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("t.csv"), "lon,lat,y\n1,2,3\n");
        var ex = Assert.Throws<ArgumentException>(() => new CsvTask(dir.File("t.csv"), "z", ProblemKind.Regression).Load(0));
        Assert.Contains("'z'", ex.Message);
    }

    [Fact]
    public void BadNumberNamesTheRow()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("t.csv"), "lon,lat,y\n1,2,3\n1,2,oops\n");
        var ex = Assert.Throws<RangeFormatException>(() => new CsvTask(dir.File("t.csv"), "y", ProblemKind.Regression).Load(0));
        Assert.Contains("row 2", ex.Message);
    }

    [Fact]
    public void LatitudeOutOfRangeIsRefused()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("t.csv"), "lon,lat,y\n1,95,3\n");
        Assert.Throws<RangeFormatException>(() => new CsvTask(dir.File("t.csv"), "y", ProblemKind.Regression).Load(0));
    }
}
