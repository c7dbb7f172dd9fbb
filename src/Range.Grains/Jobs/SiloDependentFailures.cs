using RangeOrleans.Storage;

namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// Failures that depend on the silo that met them: its storage connection string missing or invalid, a local file or
/// folder it cannot see, read or write (the coordinator's silo could: the planner read the job's files), its own disk
/// (a full disk, an unusable model cache folder). A truncated file (EndOfStreamException) is not one. Another silo may
/// succeed, so the shard is retried elsewhere; the job fails only once every active silo has failed it.
/// </summary>
public static class SiloDependentFailures
{
    public static bool DependsOnSilo(Exception e) =>
        e is StorageNotConfiguredException or UnauthorizedAccessException or (IOException and not EndOfStreamException);
}
