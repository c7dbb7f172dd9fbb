using RangeOrleans.Evaluation.Tasks;

namespace RangeOrleans.Evaluation.Splits;

/// <summary>
/// How a task's points are divided: <c>random</c> (seeded 80/20, the default) or
/// <c>holdout:africa</c> / <c>holdout:asia</c> (SatCLIP's geographic domain-adaptation split: that
/// continent is the test set; <see cref="FewShot"/> of its points, chosen by the seed, move into training).
/// </summary>
public sealed record SplitSpec(string Kind, Continent? HeldOut = null, double FewShot = 0, double TestFraction = 0.2)
{
    public static readonly SplitSpec Random = new("random");

    public string Name => HeldOut is { } c ? $"holdout:{c.Name}" + (FewShot > 0 ? $"+fewshot{FewShot}" : "") : "random";

    public static SplitSpec Parse(string? text, double fewShot = 0)
    {
        if (!(fewShot >= 0 && fewShot < 1)) throw new ArgumentException($"--few-shot must be in [0, 1), got {fewShot}");
        if (string.IsNullOrEmpty(text) || text == "random")
        {
            if (fewShot > 0) throw new ArgumentException("--few-shot applies to --split holdout:CONTINENT only");
            return Random;
        }
        if (text.StartsWith("holdout:", StringComparison.OrdinalIgnoreCase))
            return new SplitSpec("holdout", Continent.Parse(text["holdout:".Length..]), fewShot);
        throw new ArgumentException($"unknown split '{text}' (expected random or holdout:CONTINENT, CONTINENT one of {string.Join(", ", Continent.All.Select(c => c.Name))})");
    }

    /// <summary>The split for these points: the task's own if it has one (random only), else this spec's.</summary>
    public TaskSplit Apply(TaskData data, int seed)
    {
        if (data.Split is not null)
        {
            if (HeldOut is not null) throw new ArgumentException($"this task defines its own train/test split; --split {Name} does not apply");
            return data.Split;
        }
        var split = HeldOut is { } continent ? Holdout(data, continent, seed) : RandomSplit(data.Count, seed);
        split.Check(data.Count);
        return split;
    }

    /// <summary>Rows shuffled by Fisher-Yates with <c>new Random(seed)</c>; the first ceil(0.2 n) are the test set (sklearn's train_test_split sizes).</summary>
    private TaskSplit RandomSplit(int n, int seed)
    {
        var order = Probe.Folds.Permutation(n, new System.Random(seed));
        int test = (int)Math.Ceiling(TestFraction * n);
        return new TaskSplit(order[test..], order[..test]);
    }

    private TaskSplit Holdout(TaskData data, Continent continent, int seed)
    {
        var inside = new List<int>();
        var outside = new List<int>();
        for (int i = 0; i < data.Count; i++) (continent.Contains(data.Lon[i], data.Lat[i]) ? inside : outside).Add(i);
        if (inside.Count == 0) throw new ArgumentException($"no point of this task lies in {continent.Name}: --split {Name} leaves an empty test set");
        var order = Probe.Folds.Permutation(inside.Count, new System.Random(seed));
        int moved = (int)Math.Round(FewShot * inside.Count);
        var train = new List<int>(outside);
        train.AddRange(order[..moved].Select(j => inside[j]));
        var test = order[moved..].Select(j => inside[j]).ToArray();
        train.Sort();
        Array.Sort(test);
        return new TaskSplit(train.ToArray(), test);
    }
}
