using RangeOrleans.Evaluation.Tasks;
using RangeOrleans.Imaging;

namespace RangeOrleans.Evaluation.Tests.Tasks;

public class NightLightsTaskTests
{
    private static string DataDir => SampleDataDirectory.Find();

    [Fact]
    public void BrightnessIsLog1pOfTheMeanEightBitLuminanceOfThreeByThreePixels()
    {
        // A 1-channel 8 x 4 raster: one bright pixel (row 1, column 2), the rest dark.
        var values = new float[32];
        values[1 * 8 + 2] = 0.9f;
        var raster = new EquirectangularRaster(8, 4, 1, values);
        double lon = raster.Longitude(2), lat = raster.Latitude(1);
        Assert.Equal(Math.Log(1 + 255 * 0.9 / 9), NightLightsTask.Brightness(raster, lon, lat), 5);
        Assert.Equal(0.0, NightLightsTask.Brightness(raster, raster.Longitude(6), raster.Latitude(3)));
    }

    [Fact]
    public void CitiesAreBrighterThanDesertsAndTheSampleIsDeterministic()
    {
        var image = EquirectangularRaster.Decode(Path.Combine(DataDir, EarthImagery.NightLightsFile), grayscale: true);
        double tokyo = NightLightsTask.Brightness(image, 139.69, 35.69);
        double sahara = NightLightsTask.Brightness(image, 12.0, 23.0);
        Assert.True(tokyo > sahara + 2, $"Tokyo {tokyo}, Sahara {sahara}");

        var task = new NightLightsTask(DataDir, points: 500);
        var a = task.Load(seed: 2);
        Assert.Equal(500, a.Count);
        Assert.Equal(a.Targets, task.Load(seed: 2).Targets);
        Assert.NotEqual(a.Lon, task.Load(seed: 3).Lon);
        Assert.All(a.Targets, t => Assert.InRange(t, 0, Math.Log(256) + 1e-9));
    }
}
