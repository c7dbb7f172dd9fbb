namespace RangeOrleans.Training.Banks;

/// <summary>A contiguous range of dataset entries built as one unit of work (one bank shard file).</summary>
public sealed record BankShard(int Index, int Start, int Count)
{
    /// <summary>Splits <paramref name="entries"/> into shards of at most <paramref name="shardSize"/> entries, in order.</summary>
    public static IReadOnlyList<BankShard> Plan(int entries, int shardSize)
    {
        if (entries < 1) throw new ArgumentException($"a bank needs at least 1 entry, got {entries}");
        if (shardSize < 1) throw new ArgumentException($"shard size must be at least 1, got {shardSize}");
        var shards = new List<BankShard>();
        for (int start = 0, i = 0; start < entries; start += shardSize, i++)
            shards.Add(new BankShard(i, start, Math.Min(shardSize, entries - start)));
        return shards;
    }
}
