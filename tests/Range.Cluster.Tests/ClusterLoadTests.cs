using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using RangeOrleans.Abstractions;
using RangeOrleans.Storage;
using Xunit.Abstractions;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// Many jobs at once on the local 3-silo cluster (real Redis, Azurite, `range silo` processes): jobs
/// submitted together through several client connections while many clients poll their status and the
/// job list. Every job must complete with complete output; every poll must be answered.
/// </summary>
public sealed class ClusterLoadTests(ITestOutputHelper output) : IDisposable
{
    private const int Jobs = 8;
    private const int Submitters = 4;    // client connections that submit (jobs spread over them)
    private const int Pollers = 16;      // client connections that poll, each on its own
    private const long PointsPerJob = 20_000;
    private const double ShardDegrees = 45; // 32 shards per job
    private readonly LocalCluster _cluster = new();

    [Fact]
    public async Task EightJobsFromFourClientsWithSixteenPollersAllCompleteWithCompleteOutput()
    {
        await _cluster.StartSilosAsync(3);
        var connections = await Task.WhenAll(Enumerable.Range(0, Submitters + Pollers).Select(_ => _cluster.ConnectAsync()));
        try
        {
            var jobIds = Enumerable.Range(0, Jobs).Select(i => $"load-{i:00}").ToArray();
            await Task.WhenAll(jobIds.Select((id, i) =>
                connections[i % Submitters].Client.GetGrain<IJobCoordinatorGrain>(id)
                    .SubmitAsync(MapJobs.Fibonacci(PointsPerJob + i, $"az://maps/{id}", ShardDegrees))));

            using var stop = new CancellationTokenSource();
            var pollers = connections.Skip(Submitters).Select((c, i) => PollAsync(c.Client, jobIds, seed: i, stop.Token)).ToArray();
            var final = new List<JobStatus>();
            foreach (var id in jobIds) final.Add(await _cluster.WaitAsync(connections[0].Client, id, s => s.IsFinal));
            await stop.CancelAsync();
            var polls = await Task.WhenAll(pollers);

            foreach (var status in final) Assert.True(status.State == JobState.Completed, $"{status.JobId} {status.State}: {status.Error}");
            for (int i = 0; i < Jobs; i++)
            {
                var store = BlobStores.Open($"az://maps/{jobIds[i]}", _cluster.Azurite.ConnectionString);
                await MapJobs.AssertOutputCompleteAsync(store, PointsPerJob + i, final[i].TotalShards);
            }
            // Every poller was answered throughout (a failed poll throws out of PollAsync and fails the test).
            Assert.All(polls, p => Assert.True(p.Count >= 10, $"a poller made only {p.Count} polls"));
            var registry = await connections[0].Client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ListAsync();
            Assert.All(jobIds, id => Assert.Equal(JobState.Completed, registry.Single(j => j.JobId == id).State));
            output.WriteLine($"load: {Jobs} jobs, {polls.Sum(p => p.Count)} polls, slowest {polls.Max(p => p.Slowest).TotalMilliseconds:0} ms");
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

    /// <summary>Polls a random job's status (and now and then the job list) every 100 ms until stopped; any failure ends it with an exception.</summary>
    private static async Task<(int Count, TimeSpan Slowest)> PollAsync(IClusterClient client, string[] jobIds, int seed, CancellationToken stop)
    {
        var random = new Random(seed);
        int count = 0;
        var slowest = TimeSpan.Zero;
        while (!stop.IsCancellationRequested)
        {
            var watch = Stopwatch.StartNew();
            if (count % 10 == 9) await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ListAsync();
            else Assert.NotEqual(JobState.Unknown, (await client.StatusAsync(jobIds[random.Next(jobIds.Length)])).State);
            if (watch.Elapsed > slowest) slowest = watch.Elapsed;
            count++;
            try { await Task.Delay(100, stop); }
            catch (OperationCanceledException) { }
        }
        return (count, slowest);
    }

    public void Dispose() => _cluster.Dispose();
}
