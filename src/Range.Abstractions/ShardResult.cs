namespace RangeOrleans.Abstractions;

/// <summary>A committed shard file: its blob name, row (entry) count, SHA-256, and for a map's shard the embedding dimension and model.</summary>
[GenerateSerializer, Immutable, Alias("range.ShardResult")]
public sealed record ShardResult
{
    [Id(0)] public required string Blob { get; init; }
    [Id(1)] public required long Rows { get; init; }
    [Id(2)] public required string Sha256 { get; init; }
    [Id(3)] public int Dimension { get; init; }
    [Id(4)] public string? ModelKind { get; init; }
}
