namespace RangeOrleans.Core.Jobs;

/// <summary>
/// The largest job this system takes. A spec beyond them is refused when it is submitted, before
/// anything is sized from it: a typo such as <c>--grid 0.00001</c> (6.5 x 10^14 points) must end in
/// a clear error, not in a coordinator allocating terabytes.
/// </summary>
public static class JobLimits
{
    /// <summary>Points in one job (a 0.002-degree global grid is 1.6 x 10^10).</summary>
    public const long MaxPoints = 10_000_000_000;

    /// <summary>Non-empty tiles (shards) of one job: the coordinator's table lives in one grain state.</summary>
    public const int MaxShards = 100_000;

    /// <summary>Tiles of a tiling, empty or not (shard degrees of at least 0.18): counting points per tile allocates one cell per tile.</summary>
    public const int MaxTiles = 2_000_000;

    /// <summary>Points of one shard: a silo holds a shard's coordinates (16 bytes a point) in memory.</summary>
    public const int MaxPointsPerShard = 1 << 24;

    /// <summary>Rows per Arrow record batch: a batch of embeddings is held in memory (rows x dimension floats).</summary>
    public const int MaxBatchRows = 65_536;

    /// <summary>Characters of a path, URI or box in a spec.</summary>
    public const int MaxTextLength = 4096;

    /// <summary>Point files, folders or prefixes named by one job.</summary>
    public const int MaxInputs = 10_000;

    /// <summary>Characters of a job id (letters, digits, '-', '_', '.').</summary>
    public const int MaxJobIdLength = 100;
}
