namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// What planning a sharded job found, off the grain's scheduler: its shards (those whose output DEST already holds,
/// verified, marked done and skipped) and <paramref name="Record"/>, which writes the kind's own findings (checksums,
/// sizes) into the job's state on the scheduler.
/// </summary>
public sealed record ShardPlan(List<ShardRecord> Shards, Action Record);
