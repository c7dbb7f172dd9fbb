using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Cluster.Tests;

/// <summary>A map shard grain in an in-process silo (the real <c>ShardWork</c>, local files).</summary>
public sealed class ShardGrainTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _dest = Path.Combine(Path.GetTempPath(), $"range-shardgrain-{Guid.NewGuid():N}");

    /// <summary>
    /// A run that fails for its silo's own reason (here: the shard's points file is not there for this silo) stays
    /// reported by its activation however often it is asked: the retry goes to a fresh grain id (JOB/TILE#n), so this
    /// activation has no reason to go, and a cancel's stop still learns from it what happened.
    /// </summary>
    [Fact]
    public async Task AShardThatFailedForItsSilosOwnReasonKeepsReportingItsFailure()
    {
        using var host = await InProcessSilo.StartAsync();
        var shard = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IShardGrain>("keep/t0");
        var spec = MapJobs.Files(Path.Combine(_dest, "in.arrow"), _dest, 30);
        await shard.StartAsync(new ShardAssignment
        {
            JobId = "keep", TileId = "t0", Attempt = 1, Spec = spec, OutputBlob = "shards/t0.arrow", PointsBlob = "_work/t0.arrow",
            ModelSha256 = new string('0', 64), ExpectedRows = 1,
        });

        var deadline = DateTime.UtcNow + Timeout;
        ShardProgress failed;
        while ((failed = await shard.GetProgressAsync()).State == ShardRunState.Running)
        {
            Assert.True(DateTime.UtcNow < deadline, "the shard still runs");
            await Task.Delay(50);
        }
        Assert.True(failed is { State: ShardRunState.Failed, SiloDependent: true, Permanent: false }, failed.ToString());
        Assert.Contains("FileNotFoundException on silo ", failed.Error);

        await Task.Delay(TimeSpan.FromSeconds(1)); // a deactivation after the read above would have happened by now
        var again = await shard.GetProgressAsync();
        Assert.Equal((ShardRunState.Failed, true, 1, failed.Error), (again.State, again.SiloDependent, again.Attempt, again.Error));
        await host.StopAsync();
    }

    public void Dispose()
    {
        if (Directory.Exists(_dest)) Directory.Delete(_dest, recursive: true);
    }
}
