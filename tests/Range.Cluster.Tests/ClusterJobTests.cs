using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Hosting;
using RangeOrleans.Storage;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// Real Azurite and Redis, silos as separate `range silo` processes, a client in this process. Every wait
/// is bounded; everything listens on loopback only.
/// </summary>
public sealed class ClusterJobTests : IDisposable
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RedisOutage = TimeSpan.FromSeconds(5);
    private readonly AzuriteProcess _azurite = new();
    private readonly RedisProcess _redis = new(persistent: true); // append-only file: its data survives Restart()
    private readonly List<SiloProcess> _silos = [];

    private static string Checkpoint => TestData.Fixture("satclip_l10/satclip.ckpt");

    [Fact]
    public async Task JobCompletesWithEveryShardOnceWhenASiloIsKilledWhileItRuns()
    {
        await StartSilosAsync(3);
        var (host, client) = await ConnectAsync();
        using (host)
        {
            const long points = 300_000;
            var spec = Spec(points, "az://maps/failover");
            await client.GetGrain<IJobCoordinatorGrain>("failover").SubmitAsync(spec);
            await WaitAsync(client, "failover", s => s.DoneShards >= 5 || s.IsFinal);
            Assert.False((await Status(client, "failover")).IsFinal, "the job ended before a silo could be killed: make it bigger");
            _silos[1].Kill();

            var status = await WaitAsync(client, "failover", s => s.IsFinal);
            Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");

            await AssertOutputCompleteAsync("failover", points, status.TotalShards);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task JobSurvivesARestartOfTheWholeClusterWithoutRedoingFinishedShards()
    {
        await StartSilosAsync(2);
        const long points = 400_000;
        Dictionary<string, (int Attempts, Azure.ETag ETag)> finished;
        var (host, client) = await ConnectAsync();
        using (host)
        {
            await client.GetGrain<IJobCoordinatorGrain>("restart").SubmitAsync(Spec(points, "az://maps/restart"));
            await WaitAsync(client, "restart", s => s.DoneShards >= 5 || s.IsFinal);
            var shards = await client.GetGrain<IJobCoordinatorGrain>("restart").GetShardsAsync();
            finished = [];
            var container = new BlobContainerClient(_azurite.ConnectionString, "maps", new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_11_05));
            foreach (var s in shards.Where(s => s.Status == "done"))
            {
                var props = await container.GetBlobClient($"restart/shards/{s.TileId}.arrow").GetPropertiesAsync();
                finished[s.TileId] = (s.Attempts, props.Value.ETag);
            }
            foreach (var silo in _silos) silo.Kill();
        }
        Assert.NotEmpty(finished);
        Assert.True(finished.Count < 100, "everything finished before the restart");

        _silos.Clear();
        await StartSilosAsync(2);
        (host, client) = await ConnectAsync();
        using (host)
        {
            var status = await WaitAsync(client, "restart", s => s.IsFinal);
            Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");
            var after = (await client.GetGrain<IJobCoordinatorGrain>("restart").GetShardsAsync()).ToDictionary(s => s.TileId);
            var container = new BlobContainerClient(_azurite.ConnectionString, "maps", new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_11_05));
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
        await StartSilosAsync(3);
        var (host, client) = await ConnectAsync();
        using (host)
        {
            // Big enough that an idle 2-core machine is still busy after the first kill and its retries.
            const long points = 1_000_000;
            await client.GetGrain<IJobCoordinatorGrain>("two-kills").SubmitAsync(Spec(points, "az://maps/two-kills"));
            await WaitAsync(client, "two-kills", s => s.DoneShards >= 5 || s.IsFinal);
            Assert.False((await Status(client, "two-kills")).IsFinal, "the job ended before a silo could be killed: make it bigger");
            _silos[1].Kill();
            int doneAtFirstKill = (await WaitAsync(client, "two-kills", _ => true)).DoneShards;
            await WaitAsync(client, "two-kills", s => s.DoneShards >= doneAtFirstKill + 2 || s.IsFinal);
            Assert.False((await Status(client, "two-kills")).IsFinal, "the job ended before the second kill: make it bigger");
            _silos[2].Kill();

            var status = await WaitAsync(client, "two-kills", s => s.IsFinal);
            Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");
            await AssertOutputCompleteAsync("two-kills", points, status.TotalShards);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task JobCompletesWithEveryShardOnceWhenTwoSilosAreKilledAtOnce()
    {
        await StartSilosAsync(3);
        var (host, client) = await ConnectAsync();
        using (host)
        {
            // Big enough that an idle 2-core machine is still busy after the first kill and its retries.
            const long points = 1_000_000;
            await client.GetGrain<IJobCoordinatorGrain>("two-at-once").SubmitAsync(Spec(points, "az://maps/two-at-once"));
            await WaitAsync(client, "two-at-once", s => s.DoneShards >= 5 || s.IsFinal);
            Assert.False((await Status(client, "two-at-once")).IsFinal, "the job ended before the silos could be killed: make it bigger");
            Parallel.Invoke(_silos[0].Kill, _silos[2].Kill);

            var status = await WaitAsync(client, "two-at-once", s => s.IsFinal);
            Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");
            await AssertOutputCompleteAsync("two-at-once", points, status.TotalShards);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task JobCompletesWithEveryShardOnceWhenRedisRestartsWhileItRuns()
    {
        await StartSilosAsync(2);
        var (host, client) = await ConnectAsync();
        using (host)
        {
            const long points = 300_000;
            await client.GetGrain<IJobCoordinatorGrain>("redis-restart").SubmitAsync(Spec(points, "az://maps/redis-restart"));
            await WaitAsync(client, "redis-restart", s => s.DoneShards >= 5 || s.IsFinal);
            Assert.False((await Status(client, "redis-restart")).IsFinal, "the job ended before Redis could be restarted: make it bigger");
            // Graceful stop (the append-only file is flushed), 5 s down (state writes, membership heartbeats and
            // status calls fail meanwhile), then start on the same port and folder.
            _redis.Stop();
            await Task.Delay(RedisOutage);
            _redis.Start();

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
    public async Task AFinishedShardCorruptedWhileTheClusterIsDownIsRecomputedOnResume()
    {
        await StartSilosAsync(2);
        const long points = 300_000;
        string victim;
        int victimAttempts;
        var container = new BlobContainerClient(_azurite.ConnectionString, "maps", new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_11_05));
        var (host, client) = await ConnectAsync();
        using (host)
        {
            await client.GetGrain<IJobCoordinatorGrain>("corrupt").SubmitAsync(Spec(points, "az://maps/corrupt"));
            await WaitAsync(client, "corrupt", s => s.DoneShards >= 5 || s.IsFinal);
            var shards = await client.GetGrain<IJobCoordinatorGrain>("corrupt").GetShardsAsync();
            foreach (var silo in _silos) silo.Kill(); // a done shard stays done: the table read just before is still true
            var done = shards.First(s => s.Status == "done");
            Assert.True(shards.Any(s => s.Status != "done"), "everything finished before the cluster went down: make it bigger");
            (victim, victimAttempts) = (done.TileId, done.Attempts);
        }

        // Flip bytes in the middle of the finished shard's blob while no silo runs.
        var blob = container.GetBlobClient($"corrupt/shards/{victim}.arrow");
        var bytes = (await blob.DownloadContentAsync()).Value.Content.ToArray();
        for (int i = bytes.Length / 2; i < bytes.Length / 2 + 16; i++) bytes[i] ^= 0xFF;
        await blob.UploadAsync(BinaryData.FromBytes(bytes), overwrite: true);

        _silos.Clear();
        await StartSilosAsync(2);
        (host, client) = await ConnectAsync();
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

    /// <summary>The manifest lists every shard once, with all the points, and every checksum matches its blob; nothing else in shards/.</summary>
    private async Task AssertOutputCompleteAsync(string job, long points, int totalShards)
    {
        var store = BlobStores.Open($"az://maps/{job}", _azurite.ConnectionString);
        var manifest = JobManifest.Parse(System.Text.Encoding.UTF8.GetBytes(await store.ReadAllTextAsync(JobManifest.FileName)), "manifest");
        Assert.Equal(totalShards, manifest.Shards.Count);
        Assert.Equal(manifest.Shards.Count, manifest.Shards.Select(s => s.Name).Distinct().Count());
        Assert.Equal(points, manifest.TotalRows);
        Assert.Equal(points, manifest.Shards.Sum(s => s.Rows));
        foreach (var shard in manifest.Shards) Assert.Equal(shard.Sha256, await store.Sha256Async(shard.Name));
        var listed = new List<string>();
        await foreach (var blob in store.ListAsync("shards/")) listed.Add(blob.Name);
        Assert.Equal(manifest.Shards.Select(s => s.Name).Order(), listed.Order());
    }

    private static JobSpec Spec(long points, string destination) => new()
    {
        Points = new PointSourceSpec { Kind = PointSourceKind.Fibonacci, FibonacciCount = points },
        Model = new ModelSpec { Checkpoint = Checkpoint, Model = "satclip" },
        Destination = destination,
        ShardDegrees = 30,
    };

    private async Task StartSilosAsync(int count)
    {
        var started = Enumerable.Range(0, count).Select(_ => new SiloProcess(_redis.ConnectionString, _azurite.ConnectionString)).ToList();
        _silos.AddRange(started);
        await Task.WhenAll(started.Select(s => s.WaitStartedAsync()));
    }

    private async Task<(IHost Host, IClusterClient Client)> ConnectAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(c => c.AddRangeClient(new RangeClusterOptions { Redis = _redis.ConnectionString }));
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(timeout.Token);
        return (host, host.Services.GetRequiredService<IClusterClient>());
    }

    private static Task<JobStatus> Status(IClusterClient client, string jobId) => client.GetGrain<IJobCoordinatorGrain>(jobId).GetStatusAsync();

    private async Task<JobStatus> WaitAsync(IClusterClient client, string jobId, Func<JobStatus, bool> until)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        JobStatus? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await Status(client, jobId);
                if (until(last)) return last;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException) { } // the silo holding the coordinator just died
            await Task.Delay(200);
        }
        throw new TimeoutException($"job {jobId} did not get there in {JobTimeout}: last status {last}; silo logs: {string.Join(" || ", _silos.Select(s => s.Tail()))}");
    }

    public void Dispose()
    {
        foreach (var silo in _silos) silo.Dispose();
        _redis.Dispose();
        _azurite.Dispose();
    }
}
