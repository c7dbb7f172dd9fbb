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
    private readonly AzuriteProcess _azurite = new();
    private readonly RedisProcess _redis = new();
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

            var store = BlobStores.Open("az://maps/failover", _azurite.ConnectionString);
            var manifest = JobManifest.Parse(System.Text.Encoding.UTF8.GetBytes(await store.ReadAllTextAsync(JobManifest.FileName)), "manifest");
            Assert.Equal(status.TotalShards, manifest.Shards.Count);
            Assert.Equal(manifest.Shards.Count, manifest.Shards.Select(s => s.Name).Distinct().Count());
            Assert.Equal(points, manifest.TotalRows);
            Assert.Equal(points, manifest.Shards.Sum(s => s.Rows));
            foreach (var shard in manifest.Shards) Assert.Equal(shard.Sha256, await store.Sha256Async(shard.Name));
            var listed = new List<string>();
            await foreach (var blob in store.ListAsync("shards/")) listed.Add(blob.Name);
            Assert.Equal(manifest.Shards.Select(s => s.Name).Order(), listed.Order());
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
