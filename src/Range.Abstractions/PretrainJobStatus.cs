namespace RangeOrleans.Abstractions;

/// <summary>
/// Where a pretrain job stands: epochs whose checkpoint is stored, of all; every epoch report received; the attempt
/// running now (a new attempt starts when a worker's silo dies or its run fails) and where; when completed, the checkpoint.
/// </summary>
[GenerateSerializer, Immutable, Alias("range.PretrainJobStatus")]
public sealed record PretrainJobStatus
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public JobState State { get; init; }
    [Id(2)] public int Epochs { get; init; }

    /// <summary>Epochs the stored checkpoint has finished, as far as the job has heard.</summary>
    [Id(3)] public int EpochsDone { get; init; }

    /// <summary>In epoch order; an epoch whose worker died between storing its checkpoint and reporting it has none.</summary>
    [Id(4)] public PretrainEpochReport[] Reports { get; init; } = [];

    /// <summary>Runs started on a worker: 1, plus one for each run that ended unfinished (its silo died or it failed).</summary>
    [Id(5)] public int Attempts { get; init; }

    /// <summary>The silo of the current attempt's worker and its process id (null until it reports).</summary>
    [Id(7)] public string? WorkerSilo { get; init; }

    [Id(8)] public int? WorkerProcessId { get; init; }

    /// <summary>The dataset as the worker opened it: name, tiles and channels (null until it reports).</summary>
    [Id(9)] public string? DataName { get; init; }

    [Id(10)] public int Tiles { get; init; }
    [Id(11)] public int Channels { get; init; }

    /// <summary>DEST/last.ckpt once the job completed.</summary>
    [Id(12)] public string? Checkpoint { get; init; }

    [Id(13)] public string? Error { get; init; }

    /// <summary>Cancelled, and still stopping its worker or discarding an upload the cancel cut short.</summary>
    [Id(14)] public bool CleaningUp { get; init; }

    [Id(15)] public string Destination { get; init; } = "";

    public bool IsFinal => State is JobState.Completed or JobState.Failed or JobState.Cancelled;
}
