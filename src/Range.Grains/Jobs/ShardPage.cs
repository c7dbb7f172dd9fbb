namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// <see cref="ShardTable.PageSize"/> consecutive rows of a coordinator's shard table, stored as a grain state of
/// their own (state name "shards-N" of the job's grain). Stored as JSON that names this type with its namespace (`$type`): do not rename or move it.
/// </summary>
[GenerateSerializer, Alias("range.ShardPage")]
public sealed class ShardPage
{
    [Id(0)] public List<ShardRecord> Shards { get; set; } = [];
}
