namespace RangeOrleans.Abstractions;

/// <summary>A committed shard file: its blob name, row count, SHA-256 and the embedding dimension.</summary>
[GenerateSerializer, Immutable, Alias("range.ShardResult")]
public sealed record ShardResult
{
    [Id(0)] public required string Blob { get; init; }
    [Id(1)] public required long Rows { get; init; }
    [Id(2)] public required string Sha256 { get; init; }
    [Id(3)] public required int Dimension { get; init; }
    [Id(4)] public required string ModelKind { get; init; }
}
