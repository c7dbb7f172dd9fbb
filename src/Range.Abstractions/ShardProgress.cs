namespace RangeOrleans.Abstractions;

/// <summary>A shard's progress as its grain reports it.</summary>
[GenerateSerializer, Immutable, Alias("range.ShardProgress")]
public sealed record ShardProgress
{
    [Id(0)] public required ShardRunState State { get; init; }
    [Id(1)] public int Attempt { get; init; }
    [Id(2)] public long RowsDone { get; init; }

    /// <summary>Set when <see cref="State"/> is Done.</summary>
    [Id(3)] public ShardResult? Result { get; init; }

    [Id(4)] public string? Error { get; init; }

    /// <summary>True when retrying cannot help (bad input, bad model files): the job fails.</summary>
    [Id(5)] public bool Permanent { get; init; }

    /// <summary>The silo that runs it, for logs.</summary>
    [Id(6)] public string? Silo { get; init; }

    /// <summary>Failed for a reason of this silo's own (its configuration, files it cannot read): another silo may succeed.</summary>
    [Id(7)] public bool SiloDependent { get; init; }
}
