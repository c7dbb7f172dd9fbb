using RangeOrleans.Core.Geometry;
using RangeOrleans.Evaluation.Tasks;

namespace RangeOrleans.Evaluation.Tests.Tasks;

public class CheckerboardTaskTests
{
    [Fact]
    public void LabelsAreTheNearestCentresClassModSixteen()
    {
        var task = new CheckerboardTask(k: 200, trainPoints: 300, testPoints: 100);
        var data = task.Load(seed: 3);
        Assert.Equal(400, data.Count);
        Assert.Equal(300, data.Split!.Train.Length);
        Assert.Equal(100, data.Split.Test.Length);
        var (cx, cy, cz) = CheckerboardTask.Lattice(200);
        for (int i = 0; i < data.Count; i += 37)
        {
            UnitVectors.FromLonLat(data.Lon[i], data.Lat[i], out var x, out var y, out var z);
            int nearest = Enumerable.Range(0, 200).MaxBy(c => x * cx[c] + y * cy[c] + z * cz[c]);
            Assert.Equal(nearest % 16, data.Targets[i]);
        }
        Assert.Equal(16, data.Targets.Distinct().Count());
    }

    [Fact]
    public void LatticeCentresAreUnitVectorsSpreadOverBothHemispheres()
    {
        var (x, y, z) = CheckerboardTask.Lattice(1000);
        for (int i = 0; i < 1000; i++) Assert.Equal(1.0, x[i] * x[i] + y[i] * y[i] + z[i] * z[i], 9);
        Assert.Equal(500, z.Count(v => v > 0));
    }

    [Fact]
    public void SameSeedSamePoints()
    {
        var task = new CheckerboardTask(100, 50, 50);
        Assert.Equal(task.Load(1).Lon, task.Load(1).Lon);
        Assert.NotEqual(task.Load(1).Lon, task.Load(2).Lon);
    }

    [Fact]
    public void KOutsideTheRangeIsRefused() => Assert.Throws<ArgumentException>(() => new CheckerboardTask(5));
}
