namespace RangeOrleans.Abstractions;

/// <summary>Where a bank job stands: shards done of all, and when completed the merged bank's entries and SHA-256.</summary>
[GenerateSerializer, Immutable, Alias("range.BankJobStatus")]
public sealed record BankJobStatus
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public JobState State { get; init; }
    [Id(2)] public int TotalShards { get; init; }
    [Id(3)] public int DoneShards { get; init; }
    [Id(4)] public int RunningShards { get; init; }
    [Id(5)] public int Retries { get; init; }
    [Id(6)] public long Entries { get; init; }
    [Id(7)] public string? BankSha256 { get; init; }
    [Id(8)] public string? Error { get; init; }

    /// <summary>Cancelled, and still stopping its running shards or discarding their unfinished uploads.</summary>
    [Id(9)] public bool CleaningUp { get; init; }

    [Id(10)] public string Destination { get; init; } = "";

    /// <summary>Shards an earlier job onto the same DEST recorded (shards.sha256) whose blobs still match: not built again.</summary>
    [Id(11)] public int ReusedShards { get; init; }

    public bool IsFinal => State is JobState.Completed or JobState.Failed or JobState.Cancelled;
}
