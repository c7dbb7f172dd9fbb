using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using RangeOrleans.Abstractions;
using RangeOrleans.Storage;
using RangeOrleans.Testing;
using Xunit.Abstractions;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// The silos' production failure detection (`range silo` without --membership): a killed silo is still declared dead
/// and its shards retried, and a cluster whose CPU is saturated by other processes, with many jobs and pollers, loses no
/// silo, nor do ten `range submit` at once while a silo is stopped for 4 s. The load tests are marked Category=Load (scripts/load-test.sh runs it several times in a row); figures go to the
/// test output and docs/cluster.md.
/// </summary>
public sealed class MembershipTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AKilledSiloIsDeclaredDeadWithProductionSettingsAndItsShardsAreRetried()
    {
        using var cluster = new LocalCluster(membership: "production");
        await cluster.StartSilosAsync(3);
        var (host, client) = await cluster.ConnectAsync();
        using (host)
        {
            const long points = 300_000;
            await client.GetGrain<IJobCoordinatorGrain>("detect").SubmitAsync(MapJobs.Fibonacci(points, "az://maps/detect"));
            await cluster.WaitAsync(client, "detect", s => s.DoneShards >= 5 || s.IsFinal);
            Assert.False((await client.StatusAsync("detect")).IsFinal, "the job ended before a silo could be killed: make it bigger");
            var management = client.GetGrain<IManagementGrain>(0);
            Assert.Equal(3, (await management.GetHosts(onlyActive: true)).Count);

            var clock = Stopwatch.StartNew();
            cluster.Silos[1].Kill();
            while (await ActiveSilosAsync(management) is not 2)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the killed silo is still active after {clock.Elapsed}: {cluster.SiloLogs()}");
                await Task.Delay(100);
            }
            var detected = clock.Elapsed;
            output.WriteLine($"kill -9 of a silo (production membership, 3 silos): declared dead after {detected.TotalSeconds:F1} s");

            var status = await cluster.WaitAsync(client, "detect", s => s.IsFinal);
            Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");
            output.WriteLine($"job completed {clock.Elapsed.TotalSeconds:F1} s after the kill, {status.Retries} shard(s) retried");
            // Retries count re-runs of shards (each logged by a coordinator), not the start calls that failed while the
            // killed silo was not yet declared dead (those fail within milliseconds, many times over).
            int reruns = cluster.SiloLogCount("will be retried"), failedStarts = cluster.SiloLogCount("will start it again");
            output.WriteLine($"{reruns} re-run(s) and {failedStarts} failed start call(s) logged");
            Assert.True(status.Retries <= reruns, $"{status.Retries} retries, {reruns} re-runs and {failedStarts} failed starts logged");
            await MapJobs.AssertOutputCompleteAsync(BlobStores.Open("az://maps/detect", cluster.Azurite.ConnectionString), points, status.TotalShards);
            await host.StopAsync();
        }
    }

    [Theory, Trait("Category", "Load")]
    [InlineData(2)]
    [InlineData(3)]
    public async Task JobsAndPollersOnASaturatedCpuLoseNoSiloAndWriteEveryPointOnce(int silos)
    {
        const int jobs = 8, submitters = 4, pollers = 12;
        const long pointsPerJob = 20_000;
        using var cluster = new LocalCluster(membership: "production");
        await cluster.StartSilosAsync(silos, maxConcurrentShards: 2);
        var connections = await Task.WhenAll(Enumerable.Range(0, submitters + pollers).Select(_ => cluster.ConnectAsync()));
        using var burners = new CpuBurners(2 * Environment.ProcessorCount);
        var clock = Stopwatch.StartNew();
        try
        {
            var jobIds = Enumerable.Range(0, jobs).Select(i => $"saturated-{i:00}").ToArray();
            await Task.WhenAll(jobIds.Select((id, i) => connections[i % submitters].Client.GetGrain<IJobCoordinatorGrain>(id)
                .SubmitAsync(MapJobs.Fibonacci(pointsPerJob + i, $"az://maps/{id}", shardDegrees: 90))));
            using var stop = new CancellationTokenSource();
            var polling = connections.Skip(submitters).Select((c, i) => PollAsync(c.Client, jobIds, i, stop.Token)).ToArray();
            var final = new List<JobStatus>();
            // Slow on a saturated machine, but bounded: the whole run within 20 minutes.
            foreach (var id in jobIds) final.Add(await cluster.WaitAsync(connections[0].Client, id, s => s.IsFinal, TimeSpan.FromMinutes(20) - clock.Elapsed));
            await stop.CancelAsync();
            var latencies = (await Task.WhenAll(polling)).SelectMany(l => l).Order().ToArray();
            var elapsed = clock.Elapsed;

            foreach (var status in final) Assert.True(status.State == JobState.Completed, $"{status.JobId} {status.State}: {status.Error}");
            for (int i = 0; i < jobs; i++)
                await MapJobs.AssertOutputCompleteAsync(BlobStores.Open($"az://maps/{jobIds[i]}", cluster.Azurite.ConnectionString), pointsPerJob + i, final[i].TotalShards);
            // No silo was declared dead: every silo process still runs and the table lists each one as active, none dead.
            Assert.All(cluster.Silos, s => Assert.False(s.HasExited, $"silo {s.Id} exited: {s.Tail()}"));
            var hosts = await connections[0].Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false);
            Assert.True(hosts.Count == silos && hosts.Values.All(h => h == SiloStatus.Active), $"membership: {string.Join(", ", hosts)}; {cluster.SiloLogsAbout("dead")}");
            Assert.All(final, s => Assert.True(s.Retries == 0, $"{s.JobId}: {s.Retries} shard(s) retried although no silo was lost"));

            output.WriteLine($"{silos} silos, {burners.Count} CPU burners on {Environment.ProcessorCount} cores: {jobs} jobs x ~{pointsPerJob:N0} points " +
                $"({final.Sum(s => s.TotalShards)} shards) in {elapsed.TotalSeconds:F0} s; {latencies.Length} polls, latency p50 {Percentile(latencies, 0.5)} ms, " +
                $"p95 {Percentile(latencies, 0.95)} ms, max {latencies[^1]} ms; no silo declared dead, no shard retried");
        }
        finally
        {
            foreach (var (host, _) in connections)
            {
                await host.StopAsync();
                host.Dispose();
            }
        }
    }

    [Fact, Trait("Category", "Load")]
    public async Task TenCliSubmitsAtOnceWhileASiloIsStalledFourSecondsAllCompleteAndNoSiloIsLost()
    {
        const int jobs = 10, pollers = 10;
        const long pointsPerJob = 20_000;
        using var cluster = new LocalCluster(membership: "production");
        await cluster.StartSilosAsync(2, maxConcurrentShards: 2);
        var connections = await Task.WhenAll(Enumerable.Range(0, pollers).Select(_ => cluster.ConnectAsync()));
        using var burners = new CpuBurners(8);
        var clock = Stopwatch.StartNew();
        try
        {
            // Ten `range submit` processes at once; one silo stopped (SIGSTOP) for 4 s while they connect and submit.
            var jobIds = Enumerable.Range(0, jobs).Select(i => $"stalled-{i:00}").ToArray();
            var environment = new Dictionary<string, string>(cluster.Environment) { ["AZURE_STORAGE_CONNECTION_STRING"] = cluster.Azurite.ConnectionString };
            var submits = jobIds.Select((id, i) => RangeCli.Start(["submit", "--cluster", cluster.Redis.ConnectionString, "--job-id", id,
                "--fibonacci", (pointsPerJob + i).ToString(), "--shard-degrees", "90", "--checkpoint", TestData.Fixture("satclip_l10/satclip.ckpt"),
                "--model", "satclip", "--output", $"az://maps/{id}"], environment, TimeSpan.FromMinutes(5))).ToList();
            await Task.Delay(TimeSpan.FromSeconds(1));
            var stalled = cluster.Silos[1];
            Assert.True(ProcessSignals.Freeze(stalled.Id));
            try { await Task.Delay(TimeSpan.FromSeconds(4)); }
            finally { Assert.True(ProcessSignals.Thaw(stalled.Id)); }
            foreach (var submit in submits)
            {
                var result = await submit.Result;
                Assert.True(result.ExitCode == 0, result.ToString());
                submit.Dispose();
            }

            using var stop = new CancellationTokenSource();
            var polling = connections.Select((c, i) => PollAsync(c.Client, jobIds, i, stop.Token)).ToArray();
            var final = new List<JobStatus>();
            foreach (var id in jobIds) final.Add(await cluster.WaitAsync(connections[0].Client, id, s => s.IsFinal, TimeSpan.FromMinutes(20) - clock.Elapsed));
            await stop.CancelAsync();
            var latencies = (await Task.WhenAll(polling)).SelectMany(l => l).Order().ToArray();

            foreach (var status in final) Assert.True(status.State == JobState.Completed, $"{status.JobId} {status.State}: {status.Error}");
            for (int i = 0; i < jobs; i++)
                await MapJobs.AssertOutputCompleteAsync(BlobStores.Open($"az://maps/{jobIds[i]}", cluster.Azurite.ConnectionString), pointsPerJob + i, final[i].TotalShards);
            Assert.All(cluster.Silos, s => Assert.False(s.HasExited, $"silo {s.Id} exited: {s.Tail()}"));
            var hosts = await connections[0].Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false);
            Assert.True(hosts.Count == 2 && hosts.Values.All(h => h == SiloStatus.Active), $"membership: {string.Join(", ", hosts)}; {cluster.SiloLogsAbout("dead")}");
            output.WriteLine($"2 silos, {burners.Count} CPU burners, one silo stopped 4 s: {jobs} `range submit` at once, all completed in {clock.Elapsed.TotalSeconds:F0} s; " +
                $"{latencies.Length} polls, p50 {Percentile(latencies, 0.5)} ms, max {latencies[^1]} ms; no silo declared dead");
        }
        finally
        {
            foreach (var (host, _) in connections)
            {
                await host.StopAsync();
                host.Dispose();
            }
        }
    }

    // The active silos the membership table lists; null while the call fails (the management grain was on the killed silo).
    private static async Task<int?> ActiveSilosAsync(IManagementGrain management)
    {
        try { return (await management.GetHosts(onlyActive: true)).Count; }
        catch (Exception e) when (e is OrleansException or TimeoutException) { return null; }
    }

    // A random job's status (every tenth poll the job list) every 100 ms until stopped; the latency of each, in ms. A failed poll fails the test.
    private static async Task<List<long>> PollAsync(IClusterClient client, string[] jobIds, int seed, CancellationToken stop)
    {
        var random = new Random(seed);
        var latencies = new List<long>();
        while (!stop.IsCancellationRequested)
        {
            var watch = Stopwatch.StartNew();
            if (latencies.Count % 10 == 9) await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ListAsync();
            else Assert.NotEqual(JobState.Unknown, (await client.StatusAsync(jobIds[random.Next(jobIds.Length)])).State);
            latencies.Add(watch.ElapsedMilliseconds);
            try { await Task.Delay(100, stop); }
            catch (OperationCanceledException) { }
        }
        return latencies;
    }

    private static long Percentile(long[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
