namespace RangeOrleans.Training.Training;

/// <summary>A seeded random split of a dataset's entries into training and validation parts, and per-epoch shuffles.</summary>
public sealed record DataSplit(int[] Train, int[] Validation)
{
    public static DataSplit Create(int count, double validationFraction, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        int validation = validationFraction <= 0 ? 0 : Math.Clamp((int)Math.Round(count * validationFraction), 1, Math.Max(count - 2, 1));
        return new DataSplit(order[validation..], order[..validation]);
    }

    /// <summary>The training entries in this epoch's order (the same for a given seed and epoch, so a resumed run sees what an unbroken one would).</summary>
    public int[] EpochOrder(int seed, int epoch)
    {
        var order = (int[])Train.Clone();
        new Random(DerivedSeed.For(seed, epoch, DerivedSeed.RandomStream.SatClipBatchOrder)).Shuffle(order);
        return order;
    }
}
