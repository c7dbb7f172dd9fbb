using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Shards;

namespace RangeOrleans.Grains.Maps;

/// <summary>
/// What a <see cref="ShardGrain"/> runs for one attempt (on the silo's <see cref="ComputeThreads"/>). A silo runs
/// <see cref="ShardWork"/>; the coordinator benchmark swaps in shards that finish at once, so it times the coordinator alone.
/// </summary>
public interface IShardRunner
{
    Task<ShardResult> RunAsync(ShardAssignment assignment, IProgress<long> progress, CancellationToken cancellationToken);
}
