namespace RangeOrleans.Evaluation.Probe;

/// <summary>
/// Seeded k-fold assignments for cross-validation on the training split. Regression: the rows are
/// shuffled with <c>new Random(seed)</c> (Fisher-Yates) and cut into k contiguous, near-equal folds
/// (sklearn KFold(shuffle=True) sizes). Classification: stratified like sklearn's StratifiedKFold:
/// each class's rows are shuffled with the same generator and dealt round-robin over the folds, so every
/// fold holds about 1/k of every class (a class with fewer than k rows is missing from some folds).
/// </summary>
public static class Folds
{
    /// <summary>fold[i] in 0..k-1 for each of n rows.</summary>
    public static int[] Assign(int n, int k, int seed)
    {
        CheckCount(n, k);
        var order = Permutation(n, new Random(seed));
        var fold = new int[n];
        // First n % k folds get one extra row, as sklearn's KFold.
        int start = 0;
        for (int f = 0; f < k; f++)
        {
            int size = n / k + (f < n % k ? 1 : 0);
            for (int i = start; i < start + size; i++) fold[order[i]] = f;
            start += size;
        }
        return fold;
    }

    /// <summary>Stratified by <paramref name="labels"/>: fold[i] in 0..k-1.</summary>
    public static int[] AssignStratified(ReadOnlySpan<int> labels, int k, int seed)
    {
        CheckCount(labels.Length, k);
        var random = new Random(seed);
        var byClass = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (!byClass.TryGetValue(labels[i], out var rows)) byClass[labels[i]] = rows = [];
            rows.Add(i);
        }
        var fold = new int[labels.Length];
        int next = 0; // continue the deal across classes so small classes do not all land in fold 0
        foreach (var rows in byClass.Values)
        {
            var order = Permutation(rows.Count, random);
            foreach (var j in order)
            {
                fold[rows[j]] = next;
                next = (next + 1) % k;
            }
        }
        return fold;
    }

    /// <summary>0..n-1 shuffled by Fisher-Yates with <paramref name="random"/>.</summary>
    public static int[] Permutation(int n, Random random)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    private static void CheckCount(int n, int k)
    {
        if (k < 2) throw new ArgumentException($"cross-validation needs at least 2 folds, got {k}");
        if (n < k) throw new ArgumentException($"{k}-fold cross-validation needs at least {k} training rows, got {n}");
    }
}
