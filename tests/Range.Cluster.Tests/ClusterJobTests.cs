using Azure.Storage.Blobs;
using Microsoft.Extensions.Hosting;
using RangeOrleans.Abstractions;
using RangeOrleans.Storage;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// Real Azurite and Redis, silos as separate `range silo` processes, a client in this process. Every wait
/// is bounded; everything listens on loopback only.
/// </summary>
public sealed class ClusterJobTests : IDisposable
{
    private static readonly TimeSpan RedisOutage = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AzuriteOutage = TimeSpan.FromSeconds(4);
    private readonly LocalCluster _cluster = new(persistentRedis: true); // append-only file: Redis data survives Restart()

    [Fact]
    public async Task JobCompletesWithEveryShardOnceWhenASiloIsKilledWhileItRuns()
    {
        await _cluster.StartSilosAsync(3);
        var (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            const long points = 300_000;
            await client.GetGrain<IJobCoordinatorGrain>("failover").SubmitAsync(MapJobs.Fibonacci(points, "az://maps/failover"));
            await WaitAsync(client, "failover", s => s.DoneShards >= 5 || s.IsFinal);
            Assert.False((await Status(client, "failover")).IsFinal, "the job ended before a silo could be killed: make it bigger");
            _cluster.Silos[1].Kill();

            var status = await WaitAsync(client, "failover", s => s.IsFinal);
            Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");

            await AssertOutputCompleteAsync("failover", points, status.TotalShards);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task JobSurvivesARestartOfTheWholeClusterWithoutRedoingFinishedShards()
    {
        await _cluster.StartSilosAsync(2);
        const long points = 400_000;
        Dictionary<string, (int Attempts, Azure.ETag ETag)> finished;
        var (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            await client.GetGrain<IJobCoordinatorGrain>("restart").SubmitAsync(MapJobs.Fibonacci(points, "az://maps/restart"));
            await WaitAsync(client, "restart", s => s.DoneShards >= 5 || s.IsFinal);
            var shards = await client.GetGrain<IJobCoordinatorGrain>("restart").GetShardsAsync();
            finished = [];
            var container = new BlobContainerClient(_cluster.Azurite.ConnectionString, "maps", new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_11_05));
            foreach (var s in shards.Where(s => s.Status == "done"))
            {
                var props = await container.GetBlobClient($"restart/shards/{s.TileId}.arrow").GetPropertiesAsync();
                finished[s.TileId] = (s.Attempts, props.Value.ETag);
            }
            _cluster.KillAllSilos();
        }
        Assert.NotEmpty(finished);
        Assert.True(finished.Count < 100, "everything finished before the restart");

        await _cluster.StartSilosAsync(2);
        (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            var status = await WaitAsync(client, "restart", s => s.IsFinal);
            Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");
            var after = (await client.GetGrain<IJobCoordinatorGrain>("restart").GetShardsAsync()).ToDictionary(s => s.TileId);
            var container = new BlobContainerClient(_cluster.Azurite.ConnectionString, "maps", new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_11_05));
            foreach (var (tile, before) in finished)
            {
                Assert.Equal(before.Attempts, after[tile].Attempts);
                var props = await container.GetBlobClient($"restart/shards/{tile}.arrow").GetPropertiesAsync();
                Assert.Equal(before.ETag, props.Value.ETag);
            }
            Assert.Equal(points, after.Values.Sum(s => s.Rows));
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task JobCompletesWithEveryShardOnceWhenTwoSilosAreKilledOneAfterTheOther()
    {
        await _cluster.StartSilosAsync(3);
        var (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            // 72 shards either way: the kills wait for shard counts, not time. 500k keeps the survivor's share within
            // JobTimeout on a slow 2-core CI machine (1M took 9 min there: 1,851 points/s with two of three silos gone).
            const long points = 500_000;
            await client.GetGrain<IJobCoordinatorGrain>("two-kills").SubmitAsync(MapJobs.Fibonacci(points, "az://maps/two-kills"));
            await WaitAsync(client, "two-kills", s => s.DoneShards >= 5 || s.IsFinal);
            Assert.False((await Status(client, "two-kills")).IsFinal, "the job ended before a silo could be killed: make it bigger");
            _cluster.Silos[1].Kill();
            int doneAtFirstKill = (await WaitAsync(client, "two-kills", _ => true)).DoneShards;
            await WaitAsync(client, "two-kills", s => s.DoneShards >= doneAtFirstKill + 2 || s.IsFinal);
            Assert.False((await Status(client, "two-kills")).IsFinal, "the job ended before the second kill: make it bigger");
            _cluster.Silos[2].Kill();

            var status = await WaitAsync(client, "two-kills", s => s.IsFinal);
            Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");
            await AssertOutputCompleteAsync("two-kills", points, status.TotalShards);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task JobCompletesWithEveryShardOnceWhenTwoSilosAreKilledAtOnce()
    {
        await _cluster.StartSilosAsync(3);
        var (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            // 72 shards either way: the kills wait for shard counts, not time. 500k keeps the survivor's share within
            // JobTimeout on a slow 2-core CI machine (1M took 9 min there: 1,851 points/s with two of three silos gone).
            const long points = 500_000;
            await client.GetGrain<IJobCoordinatorGrain>("two-at-once").SubmitAsync(MapJobs.Fibonacci(points, "az://maps/two-at-once"));
            await WaitAsync(client, "two-at-once", s => s.DoneShards >= 5 || s.IsFinal);
            Assert.False((await Status(client, "two-at-once")).IsFinal, "the job ended before the silos could be killed: make it bigger");
            Parallel.Invoke(_cluster.Silos[0].Kill, _cluster.Silos[2].Kill);

            var status = await WaitAsync(client, "two-at-once", s => s.IsFinal);
            Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");
            await AssertOutputCompleteAsync("two-at-once", points, status.TotalShards);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task JobCompletesWithEveryShardOnceWhenRedisRestartsWhileItRuns()
    {
        await _cluster.StartSilosAsync(2);
        var (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            const long points = 300_000;
            await client.GetGrain<IJobCoordinatorGrain>("redis-restart").SubmitAsync(MapJobs.Fibonacci(points, "az://maps/redis-restart"));
            await WaitAsync(client, "redis-restart", s => s.DoneShards >= 5 || s.IsFinal);
            Assert.False((await Status(client, "redis-restart")).IsFinal, "the job ended before Redis could be restarted: make it bigger");
            // Graceful stop (the append-only file is flushed), 5 s down (state writes, membership heartbeats and
            // status calls fail meanwhile), then start on the same port and folder.
            _cluster.Redis.Stop();
            await Task.Delay(RedisOutage);
            _cluster.Redis.Start();

            var status = await WaitAsync(client, "redis-restart", s => s.IsFinal);
            Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");
            await AssertOutputCompleteAsync("redis-restart", points, status.TotalShards);
            // Membership recovered: both silos are still active members after the restart.
            var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            Assert.Equal(2, hosts.Count);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task JobCompletesWithEveryShardOnceWhenAzuriteRestartsWhileItRuns()
    {
        await _cluster.StartSilosAsync(2);
        var (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            const long points = 150_000;
            await client.GetGrain<IJobCoordinatorGrain>("azurite-restart").SubmitAsync(MapJobs.Fibonacci(points, "az://maps/azurite-restart"));
            var before = await WaitAsync(client, "azurite-restart", s => (s.DoneShards >= 5 && s.RunningShards > 0) || s.IsFinal);
            Assert.False(before.IsFinal, "the job ended before Azurite could be stopped: make it bigger");
            // Graceful stop (Azurite saves its blobs and staged blocks), a few seconds down while shards stage
            // blocks and commit (the SDK retries them with backoff), then back on the same port and folder.
            _cluster.Azurite.Stop();
            await Task.Delay(AzuriteOutage);
            _cluster.Azurite.Start();

            var status = await WaitAsync(client, "azurite-restart", s => s.IsFinal);
            Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");
            // The shards in flight rode out the outage on the SDK's retries: none had to be run again.
            Assert.Equal(0, status.Retries);
            await AssertOutputCompleteAsync("azurite-restart", points, status.TotalShards);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task AFinishedShardCorruptedWhileTheClusterIsDownIsRecomputedOnResume()
    {
        await _cluster.StartSilosAsync(2);
        const long points = 300_000;
        string victim;
        int victimAttempts;
        var container = new BlobContainerClient(_cluster.Azurite.ConnectionString, "maps", new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_11_05));
        var (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            await client.GetGrain<IJobCoordinatorGrain>("corrupt").SubmitAsync(MapJobs.Fibonacci(points, "az://maps/corrupt"));
            await WaitAsync(client, "corrupt", s => s.DoneShards >= 5 || s.IsFinal);
            var shards = await client.GetGrain<IJobCoordinatorGrain>("corrupt").GetShardsAsync();
            _cluster.KillAllSilos(); // a done shard stays done: the table read just before is still true
            var done = shards.First(s => s.Status == "done");
            Assert.True(shards.Any(s => s.Status != "done"), "everything finished before the cluster went down: make it bigger");
            (victim, victimAttempts) = (done.TileId, done.Attempts);
        }

        // Flip bytes in the middle of the finished shard's blob while no silo runs.
        var blob = container.GetBlobClient($"corrupt/shards/{victim}.arrow");
        var bytes = (await blob.DownloadContentAsync()).Value.Content.ToArray();
        for (int i = bytes.Length / 2; i < bytes.Length / 2 + 16; i++) bytes[i] ^= 0xFF;
        await blob.UploadAsync(BinaryData.FromBytes(bytes), overwrite: true);

        await _cluster.StartSilosAsync(2);
        (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            var status = await WaitAsync(client, "corrupt", s => s.IsFinal);
            Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");
            var after = (await client.GetGrain<IJobCoordinatorGrain>("corrupt").GetShardsAsync()).Single(s => s.TileId == victim);
            Assert.Equal(victimAttempts + 1, after.Attempts);
            await AssertOutputCompleteAsync("corrupt", points, status.TotalShards);
            await host.StopAsync();
        }
    }

    private Task AssertOutputCompleteAsync(string job, long points, int totalShards) =>
        MapJobs.AssertOutputCompleteAsync(BlobStores.Open($"az://maps/{job}", _cluster.Azurite.ConnectionString), points, totalShards);

    private Task<JobStatus> WaitAsync(IClusterClient client, string jobId, Func<JobStatus, bool> until) => _cluster.WaitAsync(client, jobId, until);

    private static Task<JobStatus> Status(IClusterClient client, string jobId) => client.StatusAsync(jobId);

    public void Dispose() => _cluster.Dispose();
}
