namespace RangeOrleans.Grains.Models;

/// <summary>Per-silo compute settings (from <c>range silo</c>'s options).</summary>
public sealed class ModelReplicaOptions
{
    /// <summary>cpu, cuda or cuda:i.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Shards this silo computes at once; more wait for a slot.</summary>
    public int MaxConcurrentShards { get; set; } = 2;

    /// <summary>Where checkpoints and banks read from blob storage are cached, named by SHA-256.</summary>
    public string CacheFolder { get; set; } = Path.Combine(Path.GetTempPath(), "range-model-cache");
}
