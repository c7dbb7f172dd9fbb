namespace RangeOrleans.Abstractions;

/// <summary>
/// The model a job embeds with: the options of <c>range embed</c>. Checkpoint and bank are paths every
/// silo can read or az://CONTAINER/NAME URIs; their SHA-256 identities are computed once by the coordinator.
/// The compute device is a silo setting, not part of the job.
/// </summary>
[GenerateSerializer, Immutable, Alias("range.ModelSpec")]
public sealed record ModelSpec
{
    [Id(0)] public required string Checkpoint { get; init; }

    /// <summary>satclip, range, range+ or sh.</summary>
    [Id(1)] public required string Model { get; init; }

    [Id(2)] public string? Bank { get; init; }
    [Id(3)] public double? Temperature { get; init; }
    [Id(4)] public double? GeoTemperature { get; init; }
    [Id(5)] public double? Beta { get; init; }

    /// <summary>compat or exact.</summary>
    [Id(6)] public string Harmonics { get; init; } = "compat";

    /// <summary>soft, top1 or topk.</summary>
    [Id(7)] public string Selection { get; init; } = "soft";

    [Id(8)] public int TopK { get; init; } = 100;
    [Id(9)] public double? AngularThresholdDegrees { get; init; }
}
