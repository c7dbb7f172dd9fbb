namespace RangeOrleans.Abstractions;

/// <summary>Everything a mapping job needs, as submitted by <c>range map</c> / <c>range submit</c>.</summary>
[GenerateSerializer, Immutable, Alias("range.JobSpec")]
public sealed record JobSpec
{
    [Id(0)] public required PointSourceSpec Points { get; init; }
    [Id(1)] public required ModelSpec Model { get; init; }

    /// <summary>Output root: a local folder or az://CONTAINER/PREFIX.</summary>
    [Id(2)] public required string Destination { get; init; }

    /// <summary>Tile size in degrees (divides 180): one shard per non-empty tile.</summary>
    [Id(3)] public double ShardDegrees { get; init; } = 30;

    /// <summary>float32 or float16.</summary>
    [Id(4)] public string Precision { get; init; } = "float32";

    /// <summary>Rows per Arrow record batch.</summary>
    [Id(5)] public int BatchRows { get; init; } = 8192;

    /// <summary>Replace what DEST holds when it is another spec's map output (finished or not); without it such a DEST is refused.</summary>
    [Id(6)] public bool Overwrite { get; init; }
}
