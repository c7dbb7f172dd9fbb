namespace RangeOrleans.Abstractions;

/// <summary>One row of a job's shard table, as the coordinator holds it.</summary>
[GenerateSerializer, Immutable, Alias("range.ShardSummary")]
public sealed record ShardSummary
{
    [Id(0)] public required string TileId { get; init; }

    /// <summary>pending, running or done.</summary>
    [Id(1)] public required string Status { get; init; }

    /// <summary>How many times the shard was started (0 for shards skipped as already produced).</summary>
    [Id(2)] public int Attempts { get; init; }

    [Id(3)] public long ExpectedRows { get; init; }
    [Id(4)] public long Rows { get; init; }
    [Id(5)] public string? Sha256 { get; init; }
}
