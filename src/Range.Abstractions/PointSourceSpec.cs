namespace RangeOrleans.Abstractions;

/// <summary>A job's points, described, never listed: grids and lattices are regenerated per shard; files are read once by the coordinator.</summary>
[GenerateSerializer, Immutable, Alias("range.PointSourceSpec")]
public sealed record PointSourceSpec
{
    [Id(0)] public required PointSourceKind Kind { get; init; }

    /// <summary>Grid step in degrees (Grid).</summary>
    [Id(1)] public double? GridDegrees { get; init; }

    /// <summary>"W,S,E,N" clip box (Grid), or null for the whole globe.</summary>
    [Id(2)] public string? BoundingBox { get; init; }

    /// <summary>Number of lattice points (Fibonacci).</summary>
    [Id(3)] public long? FibonacciCount { get; init; }

    /// <summary>Point files, folders or az:// URIs (Files), as the silos can reach them.</summary>
    [Id(4)] public string[] Inputs { get; init; } = [];
}
