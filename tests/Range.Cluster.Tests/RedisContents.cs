using StackExchange.Redis;

namespace RangeOrleans.Cluster.Tests;

/// <summary>What a test's Redis holds: its keys and its used_memory, read over an admin connection.</summary>
internal static class RedisContents
{
    public static Task<ConnectionMultiplexer> ConnectAsync(LocalCluster cluster) =>
        ConnectionMultiplexer.ConnectAsync(cluster.Redis.ConnectionString + ",allowAdmin=true");

    public static List<string> Keys(IConnectionMultiplexer redis) =>
        redis.GetServers().Single().Keys(pattern: "*").Select(k => k.ToString()).ToList();

    public static long UsedMemory(IConnectionMultiplexer redis) =>
        long.Parse(redis.GetServers().Single().Info("memory").SelectMany(g => g).Single(p => p.Key == "used_memory").Value);
}
