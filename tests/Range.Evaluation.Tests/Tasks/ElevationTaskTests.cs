using RangeOrleans.Evaluation.Tasks;

namespace RangeOrleans.Evaluation.Tests.Tasks;

public class ElevationTaskTests
{
    private static string DataDir => SampleDataDirectory.Find();

    [Fact]
    public void MountainsAreHigherThanLowlandsAndTheSampleIsDeterministic()
    {
        var relief = ElevationTask.Relief(DataDir);
        float Height(double lon, double lat) => relief.Pixel(0, (int)Math.Round(relief.PixelX(lon)), (int)Math.Round(relief.PixelY(lat)));
        Assert.True(Height(86.9, 27.98) > 0.8, "Himalaya");
        Assert.True(Height(-68.0, -22.0) > 0.5, "Altiplano");
        Assert.True(Height(5.3, 52.3) < 0.1, "Netherlands");
        Assert.Equal(0, Height(-150, 0)); // open Pacific: sea level

        var task = new ElevationTask(DataDir, points: 1000);
        var a = task.Load(seed: 1);
        Assert.Equal(a.Targets, task.Load(seed: 1).Targets);
        Assert.All(a.Targets, t => Assert.InRange(t, 0, 1));
        Assert.IsType<ElevationTask>(TaskCatalog.Create("elevation", new TaskCatalog.Options { DataDir = DataDir }));
    }
}
