namespace RangeOrleans.Grains.Models;

/// <summary>Per-silo compute settings (from <c>range silo</c>'s options).</summary>
public sealed class ModelReplicaOptions
{
    /// <summary>cpu, cuda or cuda:i.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Shards this silo computes at once; more wait for a slot.</summary>
    public int MaxConcurrentShards { get; set; } = 2;

    /// <summary>
    /// Where checkpoints and banks read from blob storage are cached, named by SHA-256 (and checked against it when used):
    /// this user's own cache folder (<see cref="RangeOrleans.Storage.UserCacheFolder"/>) unless range silo --model-cache says otherwise.
    /// </summary>
    public string CacheFolder { get; set; } = Path.Combine(RangeOrleans.Storage.UserCacheFolder.Root, "models");
}
