namespace RangeOrleans.Abstractions;

/// <summary>A job as the registry lists it.</summary>
[GenerateSerializer, Immutable, Alias("range.JobSummary")]
public sealed record JobSummary
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public required string Destination { get; init; }
    [Id(2)] public required DateTimeOffset SubmittedAt { get; init; }
    [Id(3)] public JobState State { get; init; } = JobState.Preparing;

    /// <summary>Absent from summaries stored before kinds were recorded: those are map jobs.</summary>
    [Id(4)] public JobKind Kind { get; init; } = JobKind.Map;

    /// <summary>When the registry recorded a final state; retention counts from it (null: not finished, or finished before this was recorded).</summary>
    [Id(5)] public DateTimeOffset? FinishedAt { get; init; }
}
