namespace RangeOrleans.Grains.Jobs;

/// <summary>What preparing a job produced: the identities of its model files and its shard table.</summary>
public sealed record JobPlan(string ModelSha256, string? BankSha256, List<ShardRecord> Shards);
