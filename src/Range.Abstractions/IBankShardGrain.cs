namespace RangeOrleans.Abstractions;

/// <summary>
/// One shard of a bank job (key: "JOB/INDEX", or "JOB/INDEX#n" for a run placed afresh after its silo failed it),
/// placed at random. Builds entries [Start, Start + Count) with the silo's shared frozen encoders and writes
/// shards/shard-NNNNN.arrow, committed only when complete; reports to its <see cref="IBankJobGrain"/> when it ends.
/// Calls return at once.
/// </summary>
public interface IBankShardGrain : IGrainWithStringKey
{
    /// <summary>Starts (or, for the run already running or done, just reports) attempt <paramref name="attempt"/> of the shard.</summary>
    [ClusterInternal] // the bank job's: a client would skip the job's checks
    Task<ShardProgress> StartAsync(BankJobSpec spec, int index, int start, int count, int attempt);

    /// <summary>Its run: Done with the blob, its entry count (Rows) and SHA-256 as a <see cref="ShardResult"/>.</summary>
    Task<ShardProgress> GetProgressAsync(); // a read, open to clients like a job's status

    /// <summary>Stops the shard at its next batch (it ends Cancelled); an uncommitted output is not committed.</summary>
    [ClusterInternal] // its job's: clients cancel the job
    Task CancelAsync();
}
