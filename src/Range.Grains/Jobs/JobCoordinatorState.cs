using RangeOrleans.Abstractions;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// A coordinator's durable state: the job's summary. Its shard table lives beside it in <see cref="ShardPages"/> pages
/// (<see cref="ShardTableStore"/>), so a write here stays small however many shards the job has. Stored as JSON that
/// names this type with its namespace (Redis: `"$type": "RangeOrleans.Grains.Jobs.JobCoordinatorState, Range.Grains"`): do not rename it or move it to another namespace (the map's other types live in Maps/).
/// </summary>
[GenerateSerializer, Alias("range.JobCoordinatorState")]
public sealed class JobCoordinatorState : IShardedJobState
{
    [Id(0)] public JobSpec? Spec { get; set; }
    [Id(1)] public JobState State { get; set; }
    /// <summary>The whole shard table, as states written before it moved into pages held it; empty since (read once, then moved).</summary>
    [Id(2)] public List<ShardRecord> Shards { get; set; } = [];
    [Id(3)] public string? ModelSha256 { get; set; }
    [Id(4)] public string? BankSha256 { get; set; }
    [Id(5)] public DateTimeOffset? SubmittedAt { get; set; }
    [Id(6)] public DateTimeOffset? CompletedAt { get; set; }
    [Id(7)] public string? Error { get; set; }
    [Id(8)] public int Retries { get; set; }
    [Id(9)] public int Dimension { get; set; }
    [Id(10)] public string? ModelKind { get; set; }

    /// <summary>Cancelled, and its temporary data (stopped shards' unfinished uploads, _work/) is not removed yet.</summary>
    [Id(11)] public bool CleanupPending { get; set; }

    /// <summary>When the first shard was dispatched, and how many points were done then (shards already produced): the rate's start, kept across coordinator moves.</summary>
    [Id(12)] public DateTimeOffset? RateStartedAt { get; set; }

    [Id(13)] public long RateStartPoints { get; set; }

    /// <summary>Pages of the shard table stored beside this state (0 until the job is prepared).</summary>
    [Id(14)] public int ShardPages { get; set; }
}
