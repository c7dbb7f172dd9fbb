namespace RangeOrleans.Abstractions;

/// <summary>
/// One attempt of a pretrain job (key: "JOB/ATTEMPT"), placed at random: trains on a background task in a local work
/// folder, storing last.ckpt in the job's destination after every epoch. Calls return at once; deactivation cancels the run.
/// </summary>
public interface IPretrainWorkerGrain : IGrainWithStringKey
{
    /// <summary>Starts the run if this activation has not run yet; otherwise returns its progress.</summary>
    [ClusterInternal] // the pretrain job's: a client would skip the job's checks
    Task<PretrainWorkerProgress> StartAsync(PretrainJobSpec spec, int attempt);

    Task<PretrainWorkerProgress> GetProgressAsync(); // a read, open to clients like a job's status

    /// <summary>Stops the run at its next batch (it ends Failed, "cancelled"); what it stored stays.</summary>
    [ClusterInternal] // its job's: clients cancel the job
    Task CancelAsync();
}

/// <summary>
/// A pretrain worker's state: idle (never started here, e.g. new after its silo died), running, done or failed
/// (with why; <see cref="Permanent"/> when retrying cannot help); its epoch reports so far; the epochs the stored
/// checkpoint had when it started (null until it looked); the dataset once opened; where it runs.
/// </summary>
[GenerateSerializer, Immutable, Alias("range.PretrainWorkerProgress")]
public sealed record PretrainWorkerProgress
{
    [Id(0)] public required ShardRunState State { get; init; }
    [Id(1)] public PretrainEpochReport[] Reports { get; init; } = [];
    [Id(2)] public int? ResumedEpochs { get; init; }
    [Id(3)] public string? DataName { get; init; }
    [Id(4)] public int Tiles { get; init; }
    [Id(5)] public int Channels { get; init; }
    [Id(6)] public string? Error { get; init; }
    [Id(7)] public bool Permanent { get; init; }
    [Id(8)] public string? Silo { get; init; }
    [Id(9)] public int ProcessId { get; init; }
}
