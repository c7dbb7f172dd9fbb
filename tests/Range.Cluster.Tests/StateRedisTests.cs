using RangeOrleans.Abstractions;
using RangeOrleans.Storage;
using RangeOrleans.Testing;
using StackExchange.Redis;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// Job state in a Redis of its own (`range silo --state-redis`): jobs write only there, membership only to the cluster's
/// Redis, so job state that fills its Redis makes job writes fail while every silo stays in the cluster.
/// </summary>
public sealed class StateRedisTests : IDisposable
{
    private readonly LocalCluster _cluster = new();
    private readonly RedisProcess _state = new();

    [Fact]
    public async Task JobStateThatFillsItsOwnRedisFailsJobWritesButNoSiloLeavesTheClusterAndJobsRunOnceThereIsRoom()
    {
        await _cluster.StartSilosAsync(2, options: ["--state-redis", _state.ConnectionString]);
        var (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            await client.GetGrain<IJobCoordinatorGrain>("apart").SubmitAsync(MapJobs.Fibonacci(20_000, "az://maps/apart"));
            var done = await _cluster.WaitAsync(client, "apart", s => s.IsFinal);
            Assert.True(done.State == JobState.Completed, $"{done.State}: {done.Error}");

            using var membership = await RedisContents.ConnectAsync(_cluster);
            using var state = await ConnectionMultiplexer.ConnectAsync(_state.ConnectionString + ",allowAdmin=true");
            var membershipKeys = RedisContents.Keys(membership);
            Assert.True(membershipKeys.Count == 1, $"the cluster's Redis holds more than the membership table: {string.Join(", ", membershipKeys)}");
            Assert.Contains(RedisContents.Keys(state), key => key.Contains("apart", StringComparison.Ordinal));

            // The state Redis is full: with noeviction and a limit below what it holds, every write is refused (OOM).
            var server = state.GetServers().Single();
            server.ConfigSet("maxmemory-policy", "noeviction");
            server.ConfigSet("maxmemory", "1");
            var refused = await Assert.ThrowsAnyAsync<Exception>(() =>
                client.GetGrain<IJobCoordinatorGrain>("full").SubmitAsync(MapJobs.Fibonacci(20_000, "az://maps/full")));
            Assert.Contains("OOM", refused.ToString());

            // Membership carries on meanwhile: heartbeats every 5 s, a silo stale after 10 s; both stay active.
            await Task.Delay(TimeSpan.FromSeconds(20));
            var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            Assert.Equal(2, hosts.Count);
            Assert.All(_cluster.Silos, silo => Assert.False(silo.HasExited, $"a silo exited: {silo.Tail()}"));

            server.ConfigSet("maxmemory", "0");
            await client.GetGrain<IJobCoordinatorGrain>("after").SubmitAsync(MapJobs.Fibonacci(20_000, "az://maps/after"));
            var after = await _cluster.WaitAsync(client, "after", s => s.IsFinal);
            Assert.True(after.State == JobState.Completed, $"{after.State}: {after.Error}");
            await MapJobs.AssertOutputCompleteAsync(BlobStores.Open("az://maps/after", _cluster.Azurite.ConnectionString), 20_000, after.TotalShards);
            await host.StopAsync();
        }
    }

    public void Dispose()
    {
        _cluster.Dispose();
        _state.Dispose();
    }
}
