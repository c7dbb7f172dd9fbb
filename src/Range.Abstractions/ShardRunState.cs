namespace RangeOrleans.Abstractions;

/// <summary>What a shard grain activation knows about its shard.</summary>
public enum ShardRunState
{
    /// <summary>This activation was never started (e.g. it is new after its silo died): start it again.</summary>
    Idle,

    Running,
    Done,
    Failed,

    /// <summary>Stopped by a cancel (its job's, or its silo stopping): not a failure; a job that was not cancelled runs it again.</summary>
    Cancelled,
}
