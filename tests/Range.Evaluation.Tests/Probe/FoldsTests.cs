using RangeOrleans.Evaluation.Probe;

namespace RangeOrleans.Evaluation.Tests.Probe;

public class FoldsTests
{
    [Fact]
    public void FoldsAreNearEqualAndSeeded()
    {
        var a = Folds.Assign(10, 3, seed: 5);
        Assert.Equal(new[] { 4, 3, 3 }, a.GroupBy(f => f).OrderBy(g => g.Key).Select(g => g.Count()));
        Assert.Equal(a, Folds.Assign(10, 3, seed: 5));
        Assert.NotEqual(a, Folds.Assign(10, 3, seed: 6));
    }

    [Fact]
    public void StratifiedFoldsHoldEveryClassEvenly()
    {
        var labels = Enumerable.Range(0, 100).Select(i => i < 50 ? 0 : i < 80 ? 1 : 2).ToArray();
        var fold = Folds.AssignStratified(labels, 10, seed: 1);
        for (int f = 0; f < 10; f++)
        {
            Assert.Equal(5, labels.Where((_, i) => fold[i] == f && labels[i] == 0).Count());
            Assert.Equal(3, labels.Where((_, i) => fold[i] == f && labels[i] == 1).Count());
            Assert.Equal(2, labels.Where((_, i) => fold[i] == f && labels[i] == 2).Count());
        }
    }

    [Fact]
    public void TooFewRowsForTheFoldsIsRefused() =>
        Assert.Throws<ArgumentException>(() => Folds.Assign(2, 3, 0));
}
