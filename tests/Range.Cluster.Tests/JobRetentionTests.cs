using RangeOrleans.Abstractions;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// Bounded state (issue 23): finished jobs are retired, by `range jobs --prune` or by the silos after `--job-retention`.
/// The bound: once retired, Redis holds no key of a retired job; what it holds beyond the keys it had before any job ran
/// (membership) is the registry's page holding the running job and that job's keys, and its memory is back within
/// <see cref="MemoryBound"/> of what it was before the jobs.
/// </summary>
public sealed class JobRetentionTests : IDisposable
{
    private const long MemoryBound = 256 * 1024;
    private readonly LocalCluster _cluster = new();

    [Fact]
    public async Task PruneRetiresFinishedJobsDeletingTheirRedisStateAndLeavesARunningJobUntouched()
    {
        await _cluster.StartSilosAsync(1);
        var (host, client) = await _cluster.ConnectAsync();
        using var connected = host;
        using var redis = await RedisContents.ConnectAsync(_cluster);
        var before = RedisContents.Keys(redis);
        long memoryBefore = RedisContents.UsedMemory(redis);

        string[] finished = Enumerable.Range(0, 5).Select(i => $"retire-{i}").ToArray();
        foreach (var id in finished) await client.GetGrain<IJobCoordinatorGrain>(id).SubmitAsync(MapJobs.Fibonacci(2000, $"az://maps/{id}"));
        foreach (var id in finished)
            Assert.True((await _cluster.WaitAsync(client, id, s => s.IsFinal)).State == JobState.Completed, _cluster.SiloLogs());
        var withJobs = RedisContents.Keys(redis);
        Assert.All(finished, id => Assert.Contains(withJobs, k => k.Contains(id))); // the state this test expects to go
        long memoryWithJobs = RedisContents.UsedMemory(redis);

        var running = client.GetGrain<IJobCoordinatorGrain>("busy");
        await running.SubmitAsync(MapJobs.Fibonacci(2_000_000, "az://maps/busy"));
        await _cluster.WaitAsync(client, "busy", s => s.State == JobState.Running);

        // Retiring is the registry's: a client asking a job to retire itself is refused by the front door, and the job stays.
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => client.GetGrain<IJobCoordinatorGrain>(finished[0]).RetireAsync());
        Assert.Contains("IRetirableJobGrain.RetireAsync is internal to the cluster", refused.Message);
        Assert.Equal(JobState.Completed, (await client.StatusAsync(finished[0])).State);

        var pruned = await RangeCli.RunAsync("jobs", "--cluster", _cluster.Redis.ConnectionString, "--prune");
        Assert.True(pruned.ExitCode == 0, pruned.ToString());
        Assert.Contains("retired 5 finished job(s)", pruned.Output);
        Assert.All(finished, id => Assert.Contains(id, pruned.Output));
        Assert.DoesNotContain("busy", pruned.Output);

        var after = RedisContents.Keys(redis);
        var left = after.Except(before).Where(k => !k.Contains("busy")).ToArray();
        Assert.True(left.Length == 1 && left[0].Contains("jobs"), $"keys beyond membership and the running job: {string.Join(", ", left)}");
        Assert.DoesNotContain(after, k => finished.Any(id => k.Contains(id)));
        long memoryAfter = RedisContents.UsedMemory(redis);
        Console.WriteLine($"Redis: {before.Count} keys / {memoryBefore:N0} B used before jobs; {withJobs.Count} / {memoryWithJobs:N0} B with 5 finished; " +
            $"{after.Count} / {memoryAfter:N0} B after prune (1 job running)");
        Assert.True(memoryAfter - memoryBefore < MemoryBound, $"used_memory {memoryBefore:N0} B before jobs, {memoryAfter:N0} B after prune");

        var listed = await RangeCli.RunAsync("jobs", "--cluster", _cluster.Redis.ConnectionString);
        Assert.True(listed.ExitCode == 0 && listed.Output.Contains("busy: running") && !listed.Output.Contains("retire-"), listed.ToString());
        Assert.Equal(JobState.Running, (await running.GetStatusAsync()).State);
        Assert.Equal(["busy"], (await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ListAsync()).Select(j => j.JobId));
        await running.CancelAsync();
    }

    [Fact]
    public async Task SilosRetireFinishedJobsOnTheirOwnOnceTheJobRetentionHasPassed()
    {
        await _cluster.StartSilosAsync(1, options: ["--job-retention", "2s"]);
        var (host, client) = await _cluster.ConnectAsync();
        using var connected = host;
        using var redis = await RedisContents.ConnectAsync(_cluster);
        await client.GetGrain<IJobCoordinatorGrain>("short-lived").SubmitAsync(MapJobs.Fibonacci(2000, "az://maps/short-lived"));
        Assert.True((await _cluster.WaitAsync(client, "short-lived", s => s.IsFinal)).State == JobState.Completed, _cluster.SiloLogs());

        var registry = client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key);
        await _cluster.WaitAsync(registry.ListAsync, jobs => jobs.Length == 0, "the registry to retire the job", TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(RedisContents.Keys(redis), k => k.Contains("short-lived"));
    }

    [Fact]
    public async Task AnAgeThatIsNotADurationIsRefusedInOneLine()
    {
        var refused = await RangeCli.RunAsync("jobs", "--cluster", "127.0.0.1:1", "--prune", "--older-than", "7x");
        Assert.True(refused.ExitCode != 0 && refused.Error.Contains("--older-than '7x': give an age such as 7d, 12h, 30m or 45s"), refused.ToString());
    }

    public void Dispose() => _cluster.Dispose();
}
