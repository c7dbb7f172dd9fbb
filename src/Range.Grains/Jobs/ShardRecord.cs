using RangeOrleans.Abstractions;

namespace RangeOrleans.Grains.Jobs;

/// <summary>One row of a coordinator's durable shard table (public setters: grain state is stored as JSON).</summary>
[GenerateSerializer, Alias("range.ShardRecord")]
public sealed class ShardRecord
{
    [Id(0)] public string TileId { get; set; } = "";
    [Id(1)] public long ExpectedRows { get; set; }
    [Id(2)] public ShardStatus Status { get; set; }
    [Id(3)] public int Attempts { get; set; }
    [Id(4)] public long Rows { get; set; }
    [Id(5)] public string? Sha256 { get; set; }

    /// <summary>Found already produced with the same identities by a previous job (not recomputed).</summary>
    [Id(6)] public bool Skipped { get; set; }

    [Id(7)] public string? PointsBlob { get; set; }

    /// <summary>A start call failed (its silo dying, say): it may still have begun a run that left a partial file.</summary>
    [Id(8)] public bool StartFailed { get; set; }

    /// <summary>Attempts that failed for a reason of their silo's own (<see cref="SiloDependentFailures"/>); not counted against MaxAttempts.</summary>
    [Id(9)] public int SiloFailures { get; set; }

    /// <summary>The silos those attempts failed on.</summary>
    [Id(10)] public List<string> FailedOnSilos { get; set; } = [];

    /// <summary>For a job over point files: the SHA-256 of the points file the planner wrote (a receipt must name the same).</summary>
    [Id(11)] public string? PointsSha256 { get; set; }

    public string OutputBlob => Core.Jobs.JobManifest.ShardBlobName(TileId);
}

/// <summary>Where a shard is in the coordinator's eyes.</summary>
public enum ShardStatus
{
    Pending,
    Running,
    Done,
}
