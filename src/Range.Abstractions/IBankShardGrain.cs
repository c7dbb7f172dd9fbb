namespace RangeOrleans.Abstractions;

/// <summary>
/// One shard of a bank job (key: "JOB/INDEX"), placed at random. Builds entries [Start, Start + Count) with the
/// silo's shared frozen encoders and writes shards/shard-NNNNN.arrow, committed only when complete. Calls return at once.
/// </summary>
public interface IBankShardGrain : IGrainWithStringKey
{
    [ClusterInternal] // the bank job's: a client would skip the job's checks
    Task<BankShardProgress> StartAsync(BankJobSpec spec, int index, int start, int count);

    Task<BankShardProgress> GetProgressAsync(); // a read, open to clients like a job's status

    /// <summary>Stops the shard at its next batch (it ends Failed, "cancelled"); an uncommitted output is not committed.</summary>
    [ClusterInternal] // its job's: clients cancel the job
    Task CancelAsync();
}

/// <summary>
/// A bank shard's state: running, done (with the blob's SHA-256), failed (with why; <c>Permanent</c> when a retry
/// would fail the same way, <c>SiloDependent</c> when another silo may succeed, with the <c>Silo</c> it failed on), or
/// idle (never started here).
/// </summary>
[GenerateSerializer, Immutable, Alias("range.BankShardProgress")]
public sealed record BankShardProgress(
    [property: Id(0)] ShardRunState State,
    [property: Id(1)] string? Sha256 = null,
    [property: Id(2)] string? Error = null,
    [property: Id(3)] bool Permanent = false,
    [property: Id(4)] bool SiloDependent = false,
    [property: Id(5)] string? Silo = null);
