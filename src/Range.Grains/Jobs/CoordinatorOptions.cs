namespace RangeOrleans.Grains.Jobs;

/// <summary>How coordinators pace a job, and how long the registry keeps a finished one.</summary>
public sealed class CoordinatorOptions
{
    /// <summary>Shards dispatched per active silo at once (silos also cap what they compute at once).</summary>
    public int ShardsInFlightPerSilo { get; set; } = 2;

    /// <summary>Runs of one shard before the job fails (silo deaths included).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>How often running shards are polled and new ones dispatched.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A poll that takes longer than this counts as failed (the shard is restarted).</summary>
    public TimeSpan PollTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long ticks may keep failing for transient reasons (state store or silos unreachable) before the job fails.</summary>
    public TimeSpan TransientFailureLimit { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a finished (completed, failed, cancelled) job is kept after it ended; then the registry retires it: its
    /// grain state and shard table are deleted and it is no longer listed (its output in DEST stays).
    /// </summary>
    public TimeSpan JobRetention { get; set; } = TimeSpan.FromDays(7);
}
