using RangeOrleans.Grains.Jobs;
namespace RangeOrleans.Grains.Maps;

/// <summary>Blob names inside a job's destination.</summary>
public static class JobPaths
{
    /// <summary>Scratch space of a running job (shard point files for --input jobs); deleted when the job ends.</summary>
    public const string WorkPrefix = "_work/";

    public static string PointsBlob(string tileId) => $"{WorkPrefix}points/{tileId}.arrow";
}
