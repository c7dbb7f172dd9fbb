namespace RangeOrleans.Abstractions;

/// <summary>A snapshot of a job's progress.</summary>
[GenerateSerializer, Immutable, Alias("range.JobStatus")]
public sealed record JobStatus
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public required JobState State { get; init; }
    [Id(2)] public string Destination { get; init; } = "";
    [Id(3)] public int TotalShards { get; init; }
    [Id(4)] public int DoneShards { get; init; }
    [Id(5)] public int RunningShards { get; init; }
    [Id(6)] public long TotalPoints { get; init; }
    [Id(7)] public long DonePoints { get; init; }

    /// <summary>Shards found already produced with the same identities (reprocessing) and not recomputed.</summary>
    [Id(8)] public int SkippedShards { get; init; }

    /// <summary>Shard runs started again (their silo died, their run failed transiently or for its silo's own reason); start calls that failed before a run began are not counted.</summary>
    [Id(9)] public int Retries { get; init; }

    [Id(10)] public DateTimeOffset? SubmittedAt { get; init; }
    [Id(11)] public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Points per second over the points computed since this activation started running the job.</summary>
    [Id(12)] public double PointsPerSecond { get; init; }

    [Id(13)] public string? Error { get; init; }

    /// <summary>Cancelled, and still stopping its running shards or removing its temporary blobs.</summary>
    [Id(14)] public bool CleaningUp { get; init; }

    public bool IsFinal => State is JobState.Completed or JobState.Failed or JobState.Cancelled;

    /// <summary>Estimated time left at the current rate, or null when unknown.</summary>
    public TimeSpan? TimeLeft => PointsPerSecond > 0 && !IsFinal ? TimeSpan.FromSeconds((TotalPoints - DonePoints) / PointsPerSecond) : null;
}
