namespace RangeOrleans.Grains.Jobs;

/// <summary>The part of a sharded job's durable state that <see cref="ShardedJobGrain{TState}"/> manages beside <see cref="IDurableJobState"/>.</summary>
public interface IShardedJobState : IDurableJobState
{
    /// <summary>Shard runs started again (a silo died, a run failed transiently or on its silo).</summary>
    int Retries { get; set; }

    /// <summary>Pages of the shard table stored beside the state (<see cref="ShardTableStore"/>; 0 until the job is planned).</summary>
    int ShardPages { get; set; }
}
