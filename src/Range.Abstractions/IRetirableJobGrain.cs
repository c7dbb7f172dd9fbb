namespace RangeOrleans.Abstractions;

/// <summary>A job grain whose durable state the registry removes once the job has finished and its retention has passed.</summary>
public interface IRetirableJobGrain : IGrainWithStringKey
{
    /// <summary>
    /// Deletes the finished job's grain state (and shard table pages) from the grain store and deactivates it;
    /// <see cref="InvalidOperationException"/> while the job still runs or cleans up. Its output in DEST stays.
    /// </summary>
    [ClusterInternal] // only the registry retires jobs, after it has checked their age (clients prune through it)
    Task RetireAsync();
}
