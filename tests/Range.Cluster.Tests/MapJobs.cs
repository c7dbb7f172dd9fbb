using RangeOrleans.Abstractions;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Storage;

namespace RangeOrleans.Cluster.Tests;

/// <summary>The map jobs the cluster tests run (Fibonacci lattices, SatCLIP fixture model) and what their output must be.</summary>
internal static class MapJobs
{
    private static string Checkpoint => TestData.Fixture("satclip_l10/satclip.ckpt");

    public static JobSpec Fibonacci(long points, string destination, double shardDegrees = 30) => new()
    {
        Points = new PointSourceSpec { Kind = PointSourceKind.Fibonacci, FibonacciCount = points },
        Model = new ModelSpec { Checkpoint = Checkpoint, Model = "satclip" },
        Destination = destination,
        ShardDegrees = shardDegrees,
    };

    /// <summary>A job over point files: the coordinator writes each shard's points to DEST/_work/ first.</summary>
    public static JobSpec Files(string input, string destination, double shardDegrees) => new()
    {
        Points = new PointSourceSpec { Kind = PointSourceKind.Files, Inputs = [input] },
        Model = new ModelSpec { Checkpoint = Checkpoint, Model = "satclip" },
        Destination = destination,
        ShardDegrees = shardDegrees,
    };

    public static Task<JobStatus> StatusAsync(this IClusterClient client, string jobId) =>
        client.GetGrain<IJobCoordinatorGrain>(jobId).GetStatusAsync();

    /// <summary>Polls a map job's status until <paramref name="until"/> holds (bounded by <see cref="LocalCluster.JobTimeout"/>).</summary>
    public static Task<JobStatus> WaitAsync(this LocalCluster cluster, IClusterClient client, string jobId, Func<JobStatus, bool> until, TimeSpan? timeout = null) =>
        cluster.WaitAsync(() => client.StatusAsync(jobId), until, $"job {jobId}", timeout);

    /// <summary>
    /// The manifest lists every shard once, with all the points, and every checksum matches its blob;
    /// nothing else is in shards/ and nothing is left in _work/.
    /// </summary>
    public static async Task AssertOutputCompleteAsync(IBlobStore store, long points, int totalShards)
    {
        var manifest = JobManifest.Parse(await store.ReadAllBytesAsync(JobManifest.FileName), "manifest");
        Assert.Equal(totalShards, manifest.Shards.Count);
        Assert.Equal(manifest.Shards.Count, manifest.Shards.Select(s => s.Name).Distinct().Count());
        Assert.Equal(points, manifest.TotalRows);
        Assert.Equal(points, manifest.Shards.Sum(s => s.Rows));
        foreach (var shard in manifest.Shards) Assert.Equal(shard.Sha256, await store.Sha256Async(shard.Name));
        Assert.Equal(manifest.Shards.Select(s => s.Name).Order(StringComparer.Ordinal), await NamesAsync(store, "shards/"));
        Assert.Empty(await NamesAsync(store, "_work/"));
    }

    public static async Task<List<string>> NamesAsync(IBlobStore store, string prefix)
    {
        var names = new List<string>();
        await foreach (var blob in store.ListAsync(prefix)) names.Add(blob.Name);
        return names.Order(StringComparer.Ordinal).ToList();
    }
}
