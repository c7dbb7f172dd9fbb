namespace RangeOrleans.Evaluation.Tasks;

/// <summary>Row numbers of the training and test points; disjoint.</summary>
public sealed record TaskSplit(int[] Train, int[] Test)
{
    public void Check(int count)
    {
        if (Train.Length == 0 || Test.Length == 0)
            throw new ArgumentException($"split has {Train.Length} training and {Test.Length} test points: both must be non-empty");
        var seen = new bool[count];
        foreach (var i in Train.Concat(Test))
        {
            if ((uint)i >= (uint)count) throw new ArgumentException($"split names row {i}, the task has {count}");
            if (seen[i]) throw new ArgumentException($"split uses row {i} twice");
            seen[i] = true;
        }
    }
}
