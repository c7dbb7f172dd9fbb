namespace RangeOrleans.Abstractions;

/// <summary>One shard's work: which tile of which job, where its points and output live, and the model identities to use.</summary>
[GenerateSerializer, Immutable, Alias("range.ShardAssignment")]
public sealed record ShardAssignment
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public required string TileId { get; init; }
    [Id(2)] public required int Attempt { get; init; }
    [Id(3)] public required JobSpec Spec { get; init; }

    /// <summary>Output blob name inside the destination (shards/TILE.arrow).</summary>
    [Id(4)] public required string OutputBlob { get; init; }

    /// <summary>For file inputs: the blob (inside the destination) holding this shard's points; null for generated points.</summary>
    [Id(5)] public string? PointsBlob { get; init; }

    [Id(6)] public required string ModelSha256 { get; init; }
    [Id(7)] public string? BankSha256 { get; init; }
    [Id(8)] public long ExpectedRows { get; init; }
}
