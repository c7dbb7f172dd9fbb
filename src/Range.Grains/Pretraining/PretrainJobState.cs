using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Jobs;

namespace RangeOrleans.Grains.Pretraining;

/// <summary>A pretrain job's durable state. Stored as JSON that names this type: do not rename it.</summary>
[GenerateSerializer, Alias("range.PretrainJobState")]
public sealed class PretrainJobState : IDurableJobState
{
    [Id(0)] public PretrainJobSpec? Spec { get; set; }
    [Id(1)] public JobState State { get; set; }

    /// <summary>Runs started; the current one is worker "JOB/Attempts".</summary>
    [Id(2)] public int Attempts { get; set; }

    [Id(3)] public bool WorkerRunning { get; set; }
    [Id(4)] public List<PretrainEpochReport> Reports { get; set; } = [];
    [Id(5)] public int EpochsDone { get; set; }
    [Id(6)] public string? DataName { get; set; }
    [Id(7)] public int Tiles { get; set; }
    [Id(8)] public int Channels { get; set; }

    /// <summary>Why the last unfinished run ended (for the error when attempts run out).</summary>
    [Id(9)] public string? LastFailure { get; set; }

    [Id(10)] public string? Error { get; set; }

    /// <summary>Cancelled, and its worker not stopped yet or an upload the cancel cut short not discarded yet.</summary>
    [Id(11)] public bool CleanupPending { get; set; }
}
