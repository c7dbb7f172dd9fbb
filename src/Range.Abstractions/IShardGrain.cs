namespace RangeOrleans.Abstractions;

/// <summary>
/// One tile of one job (key: "JOB/TILE"), placed at random so shards spread over the silos. It computes
/// on its silo's shared model replica and streams its Arrow file to the destination, committed only
/// when complete. Calls return at once; the coordinator polls <see cref="GetProgressAsync"/>, so
/// minute-long shards never hold a grain call open.
/// </summary>
public interface IShardGrain : IGrainWithStringKey
{
    /// <summary>Starts (or, for the attempt already running or done, just reports) the shard.</summary>
    [ClusterInternal] // the coordinator's: a client would skip the job's checks and its shard table
    Task<ShardProgress> StartAsync(ShardAssignment assignment);

    Task<ShardProgress> GetProgressAsync(); // a read, open to clients like a job's status

    /// <summary>Stops the shard; an uncommitted output is discarded.</summary>
    [ClusterInternal] // its job's: clients cancel the job
    Task CancelAsync();
}
