using RangeOrleans.Grains.Jobs;
namespace RangeOrleans.Grains.Maps;

/// <summary>
/// What preparing a job produced: the identities of its model files, its shard table, and the dimension and model kind
/// of the shard files it reuses (null when it reuses none), which the manifest needs even if no shard runs.
/// </summary>
public sealed record JobPlan(string ModelSha256, string? BankSha256, List<ShardRecord> Shards, int? Dimension, string? ModelKind);
