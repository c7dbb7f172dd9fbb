using RangeOrleans.Abstractions;

namespace RangeOrleans.Grains.Jobs;

/// <summary>The part of a job's durable state that <see cref="DurableJobGrain{TState}"/> manages.</summary>
public interface IDurableJobState
{
    JobState State { get; set; }

    string? Error { get; set; }

    /// <summary>Cancelled, and what it ran is not stopped yet or its temporary data not removed yet.</summary>
    bool CleanupPending { get; set; }
}
