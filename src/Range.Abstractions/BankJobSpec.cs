namespace RangeOrleans.Abstractions;

/// <summary>
/// A bank construction job: entries of dataset <see cref="Data"/> (earth, earth-land, s2:DIR; sampled by
/// <see cref="Entries"/> and <see cref="Seed"/>, the same on every silo) encoded by the frozen SatCLIP image
/// encoder of <see cref="Checkpoint"/> (keys) and the MAE of <see cref="Mae"/> (values). Paths must be readable by every silo.
/// </summary>
[GenerateSerializer, Immutable, Alias("range.BankJobSpec")]
public sealed record BankJobSpec
{
    [Id(0)] public required string Checkpoint { get; init; }
    [Id(1)] public required string Mae { get; init; }
    [Id(2)] public required string Data { get; init; }
    [Id(3)] public int? Entries { get; init; }
    [Id(4)] public int Seed { get; init; }
    [Id(5)] public int ShardSize { get; init; } = 4096;

    /// <summary>Output root: a local folder or az://CONTAINER/PREFIX; gets shards/*.arrow, shards.sha256, bank.arrow.</summary>
    [Id(6)] public required string Destination { get; init; }

    /// <summary>Replace what DEST holds when it is a bank of other settings (else such a DEST is refused and left as it is).</summary>
    [Id(7)] public bool Overwrite { get; init; }
}
