namespace RangeOrleans.Abstractions;

/// <summary>What a shard grain activation knows about its shard.</summary>
public enum ShardRunState
{
    /// <summary>This activation was never started (e.g. it is new after its silo died): start it again.</summary>
    Idle,

    Running,
    Done,
    Failed,

    /// <summary>Stopped by its job's cancel (map shards): not a failure, and not retried.</summary>
    Cancelled,
}
