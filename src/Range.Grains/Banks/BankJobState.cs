using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Jobs;

namespace RangeOrleans.Grains.Banks;

/// <summary>A bank job's durable state. Stored as JSON that names this type: do not rename it.</summary>
[GenerateSerializer, Alias("range.BankJobState")]
public sealed class BankJobState : IDurableJobState
{
    [Id(0)] public BankJobSpec? Spec { get; set; }
    [Id(1)] public JobState State { get; set; }
    [Id(2)] public List<BankShardRecord> Shards { get; set; } = [];
    [Id(3)] public int Retries { get; set; }
    [Id(4)] public long Entries { get; set; }
    [Id(5)] public string? BankSha256 { get; set; }
    [Id(6)] public string? Error { get; set; }

    /// <summary>Cancelled, and its shards not all stopped yet or their unfinished uploads not discarded yet.</summary>
    [Id(7)] public bool CleanupPending { get; set; }

    /// <summary>Shards found in DEST already built (recorded in shards.sha256 and matching) when the job was planned.</summary>
    [Id(8)] public int ReusedShards { get; set; }
}

/// <summary>One planned shard: entries [Start, Start + Count), and once done the SHA-256 of its blob.</summary>
[GenerateSerializer, Alias("range.BankShardRecord")]
public sealed class BankShardRecord
{
    [Id(0)] public int Index { get; set; }
    [Id(1)] public int Start { get; set; }
    [Id(2)] public int Count { get; set; }
    [Id(3)] public bool Running { get; set; }
    [Id(4)] public string? Sha256 { get; set; }
    [Id(5)] public int Attempts { get; set; }

    /// <summary>Silos it failed on for their own reason (<see cref="SiloDependentFailures"/>): its next run goes elsewhere.</summary>
    [Id(6)] public List<string> FailedOnSilos { get; set; } = [];
}
