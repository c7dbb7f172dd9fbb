using RangeOrleans.Abstractions;

namespace RangeOrleans.Grains.Jobs;

/// <summary>The part of a job's durable state that <see cref="DurableJobGrain{TState}"/> manages.</summary>
public interface IDurableJobState
{
    JobState State { get; set; }

    string? Error { get; set; }
}
