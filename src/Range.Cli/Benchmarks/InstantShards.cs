using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Shards;
using RangeOrleans.Grains.Maps;

namespace RangeOrleans.Cli.Benchmarks;

/// <summary>
/// The coordinator benchmark's shards: each attempt reports its expected rows done at once and writes nothing, so a
/// job's pace is the coordinator's alone (dispatch, polling, state writes). Registered only by <see cref="CoordinatorBenchmark"/>'s silo.
/// </summary>
public sealed class InstantShards : IShardRunner
{
    private static readonly string s_noFile = new('0', 64);

    public Task<ShardResult> RunAsync(ShardAssignment assignment, IProgress<long> progress, CancellationToken cancellationToken) =>
        Task.FromResult(new ShardResult { Blob = assignment.OutputBlob, Rows = assignment.ExpectedRows, Sha256 = s_noFile, Dimension = 1, ModelKind = "instant" });
}
