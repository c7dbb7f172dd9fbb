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

    public string OutputBlob => Core.Jobs.JobManifest.ShardBlobName(TileId);
}

/// <summary>Where a shard is in the coordinator's eyes.</summary>
public enum ShardStatus
{
    Pending,
    Running,
    Done,
}
