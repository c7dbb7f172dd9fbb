using RangeOrleans.Evaluation.Splits;
using RangeOrleans.Evaluation.Tasks;

namespace RangeOrleans.Evaluation.Tests.Splits;

public class SplitSpecTests
{
    private static TaskData Points(params (double Lon, double Lat)[] points) =>
        TaskData.Create(points.Select(p => p.Lon).ToArray(), points.Select(p => p.Lat).ToArray(), new double[points.Length]);

    [Fact]
    public void RandomSplitIsEightyTwentySeededAndDisjoint()
    {
        var data = Points(Enumerable.Range(0, 101).Select(i => (i * 1.0, 0.0)).ToArray());
        var split = SplitSpec.Random.Apply(data, seed: 4);
        Assert.Equal(21, split.Test.Length); // ceil(0.2 * 101)
        Assert.Equal(80, split.Train.Length);
        Assert.Empty(split.Train.Intersect(split.Test));
        Assert.Equal(split.Test, SplitSpec.Random.Apply(data, 4).Test);
        Assert.NotEqual(split.Test, SplitSpec.Random.Apply(data, 5).Test);
    }

    [Fact]
    public void HoldoutTestsOnTheContinentOnly()
    {
        var data = Points((31.2, 30.0), (36.8, -1.3), (-3.7, 40.4), (139.7, 35.7), (18.4, -33.9));
        var split = SplitSpec.Parse("holdout:africa").Apply(data, 0);
        Assert.Equal(new[] { 0, 1, 4 }, split.Test);
        Assert.Equal(new[] { 2, 3 }, split.Train);
    }

    [Fact]
    public void FewShotMovesThatShareOfTheContinentIntoTraining()
    {
        var africa = Enumerable.Range(0, 200).Select(i => (20.0 + i * 0.01, 0.0));
        var europe = Enumerable.Range(0, 50).Select(i => (10.0, 50.0));
        var split = SplitSpec.Parse("holdout:africa", fewShot: 0.01).Apply(Points([.. africa, .. europe]), 0);
        Assert.Equal(198, split.Test.Length);
        Assert.Equal(52, split.Train.Length);
    }

    [Theory]
    [InlineData("holdout:atlantis")]
    [InlineData("spatial")]
    public void UnknownSplitsAreRefused(string text) => Assert.Throws<ArgumentException>(() => SplitSpec.Parse(text));

    [Fact]
    public void TaskWithItsOwnSplitRefusesHoldout()
    {
        var data = new CheckerboardTask(100, 20, 20).Load(0);
        Assert.Throws<ArgumentException>(() => SplitSpec.Parse("holdout:asia").Apply(data, 0));
    }
}
