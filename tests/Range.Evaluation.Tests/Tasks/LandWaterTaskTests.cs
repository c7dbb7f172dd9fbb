using RangeOrleans.Core.Geography;
using RangeOrleans.Evaluation.Tasks;
using RangeOrleans.Training.Samplers;

namespace RangeOrleans.Evaluation.Tests.Tasks;

public class LandWaterTaskTests
{
    private static string DataDir => SampleDataDirectory.Find();

    [Fact]
    public void TheWaterMaskCoversTheGlobeNorthUpAndAgreesWithNaturalEarthLand()
    {
        // Extent and orientation checked against an independent source: a shifted, flipped or cropped mask would
        // disagree with Natural Earth's land polygons at a large share of points.
        var mask = LandWaterTask.Mask(DataDir);
        var land = LandMask.Load(Path.Combine(DataDir, LandMask.DefaultFile));
        var (lon, lat) = new UniformSphereSampler().Sample(4000, seed: 11);
        int agree = 0;
        for (int i = 0; i < lon.Length; i++)
            if (LandWaterTask.IsWater(mask, lon[i], lat[i]) != land.IsLand(lon[i], lat[i])) agree++;
        Assert.True(agree >= 0.95 * lon.Length, $"water mask and Natural Earth agree at {agree} of {lon.Length} points");
    }

    [Fact]
    public void ItIsAClassificationOfMostlyWaterPointsAndTheSampleIsDeterministic()
    {
        var task = (LandWaterTask)TaskCatalog.Create("land-water", new TaskCatalog.Options { DataDir = DataDir });
        var a = new LandWaterTask(DataDir, points: 2000).Load(seed: 4);
        Assert.Equal(a.Targets, new LandWaterTask(DataDir, points: 2000).Load(seed: 4).Targets);
        Assert.All(a.Targets, t => Assert.True(t is 0 or 1));
        Assert.InRange(a.Targets.Average(), 0.6, 0.8);
        Assert.Equal(RangeOrleans.Evaluation.Probe.ProblemKind.Classification, task.Kind);
    }
}
