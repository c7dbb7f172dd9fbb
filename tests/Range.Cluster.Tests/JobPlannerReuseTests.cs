using RangeOrleans.Abstractions;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Storage;
using RangeOrleans.Grains.Maps;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// What the planner reuses from an unfinished map's receipts: a shard whose file matches its receipt, and for a job over
/// point files only while the tile's points are the ones the shard read (the files the spec names may change between runs).
/// </summary>
public sealed class JobPlannerReuseTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("range-planner-");

    private sealed class Stores : IBlobStoreFactory
    {
        public IBlobStore Open(string location) => BlobStores.Open(location);
    }

    [Fact]
    public async Task AShardIsReusedFromItsReceiptUntilItsFileOrItsInputPointsChange()
    {
        var input = Path.Combine(_folder.FullName, "points.csv");
        await File.WriteAllTextAsync(input, "lon,lat\n10,10\n20,20\n-100,-40\n-120,-60\n"); // two 90-degree tiles, two points each
        var dest = Path.Combine(_folder.FullName, "map");
        var spec = MapJobs.Files(input, dest, 90);
        var store = BlobStores.Open(dest);
        var tiling = JobPoints.Tiling(spec);
        string north = tiling.Id(tiling.TileOf(10, 10)), south = tiling.Id(tiling.TileOf(-100, -40));

        var first = await PlanAsync(spec);
        Assert.Equal(new[] { south, north }.Order(StringComparer.Ordinal), first.Shards.Select(s => s.TileId).Order(StringComparer.Ordinal));
        Assert.All(first.Shards, s => Assert.NotNull(s.PointsSha256));
        foreach (var shard in first.Shards) await FinishAsync(store, spec, first, shard);

        var again = await PlanAsync(spec);
        Assert.All(again.Shards, s => Assert.True(s.Skipped && s.Status == ShardStatus.Done, s.TileId));
        Assert.Equal((8, "satclip"), (again.Dimension, again.ModelKind));

        // One tile's points moved (same count): only that tile is computed again.
        await File.WriteAllTextAsync(input, "lon,lat\n10,10\n21,20\n-100,-40\n-120,-60\n");
        var moved = await PlanAsync(spec);
        Assert.Equal([south], moved.Shards.Where(s => s.Skipped).Select(s => s.TileId));

        // A finished file damaged since its receipt was written: computed again.
        await File.WriteAllTextAsync(input, "lon,lat\n10,10\n20,20\n-100,-40\n-120,-60\n");
        await File.AppendAllTextAsync(Path.Combine(dest, JobManifest.ShardBlobName(south)), "x");
        var damaged = await PlanAsync(spec);
        Assert.Equal([north], damaged.Shards.Where(s => s.Skipped).Select(s => s.TileId));
    }

    private static Task<JobPlan> PlanAsync(JobSpec spec) => JobPlanner.PlanAsync("planner", spec, new Stores(), AllowedRoots.Unrestricted, CancellationToken.None);

    /// <summary>What a shard leaves when it finishes: its file, then its receipt.</summary>
    private static async Task FinishAsync(IBlobStore store, JobSpec spec, JobPlan plan, ShardRecord shard)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes($"shard {shard.TileId}");
        await store.WriteAllBytesAsync(shard.OutputBlob, bytes);
        var assignment = new ShardAssignment
        {
            JobId = "planner", TileId = shard.TileId, Attempt = 1, Spec = spec, OutputBlob = shard.OutputBlob, PointsBlob = shard.PointsBlob,
            ModelSha256 = plan.ModelSha256, BankSha256 = plan.BankSha256, ExpectedRows = shard.ExpectedRows,
        };
        var result = new ShardResult { Blob = shard.OutputBlob, Rows = shard.ExpectedRows, Sha256 = ContentHash.OfStream(new MemoryStream(bytes)), Dimension = 8, ModelKind = "satclip" };
        await ShardReceipts.WriteAsync(store, assignment, result, shard.PointsSha256, CancellationToken.None);
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
