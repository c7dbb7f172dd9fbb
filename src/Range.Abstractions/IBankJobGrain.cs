namespace RangeOrleans.Abstractions;

/// <summary>
/// The coordinator of one bank construction job (key: job id): plans the shards, dispatches them to
/// <see cref="IBankShardGrain"/>s spread over the silos, records each finished shard's SHA-256 in its
/// durable state, and merges the shards into bank.arrow when all are recorded.
/// </summary>
public interface IBankJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job (the same spec again is a no-op; a different one under the same id is refused).</summary>
    Task<BankJobStatus> SubmitAsync(BankJobSpec spec);

    Task<BankJobStatus> GetStatusAsync();
}
