using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Jobs;

namespace RangeOrleans.Grains.Banks;

/// <summary>
/// A bank job's durable state; its shard table lives beside it in <see cref="ShardPages"/> pages (<see cref="ShardTableStore"/>).
/// Stored as JSON that names this type with its namespace (`$type`): do not rename or move it.
/// </summary>
[GenerateSerializer, Alias("range.BankJobState")]
public sealed class BankJobState : IShardedJobState
{
    [Id(0)] public BankJobSpec? Spec { get; set; }
    [Id(1)] public JobState State { get; set; }

    /// <summary>The shard table as states written before bank jobs ran on the shard engine held it; empty since (read once, then moved into pages).</summary>
    [Id(2)] public List<BankShardRecord> Shards { get; set; } = [];

    [Id(3)] public int Retries { get; set; }
    [Id(4)] public long Entries { get; set; }
    [Id(5)] public string? BankSha256 { get; set; }
    [Id(6)] public string? Error { get; set; }

    /// <summary>Cancelled, and its shards not all stopped yet or their unfinished uploads not discarded yet.</summary>
    [Id(7)] public bool CleanupPending { get; set; }

    [Id(9)] public int ShardPages { get; set; }
}

/// <summary>A shard as a bank job's state recorded it before the shard engine: read only to move it into the shard table.</summary>
[GenerateSerializer, Alias("range.BankShardRecord")]
public sealed class BankShardRecord
{
    [Id(0)] public int Index { get; set; }
    [Id(1)] public int Start { get; set; }
    [Id(2)] public int Count { get; set; }
    [Id(3)] public bool Running { get; set; }
    [Id(4)] public string? Sha256 { get; set; }
    [Id(5)] public int Attempts { get; set; }
    [Id(6)] public List<string> FailedOnSilos { get; set; } = [];

    public ShardRecord ToShardRecord() => new()
    {
        TileId = Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ExpectedRows = Count,
        Status = Sha256 is not null ? ShardStatus.Done : Running ? ShardStatus.Running : ShardStatus.Pending,
        Attempts = Attempts,
        Rows = Sha256 is not null ? Count : 0,
        Sha256 = Sha256,
        FailedOnSilos = FailedOnSilos,
    };
}
