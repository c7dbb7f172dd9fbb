using RangeOrleans.Abstractions;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Core.Points;
using RangeOrleans.Storage;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// `range cancel` on a cluster job over point files (so DEST/_work/ holds the shards' points), cancelled
/// while shards are uploading: the job ends Cancelled, finished shards stay with their checksums, and
/// nothing temporary is left: no _work/ blob, no staged (uncommitted) block, no blob for an unfinished
/// shard, no manifest. Real Azurite, Redis and `range silo` processes on loopback.
/// </summary>
public sealed class JobCancellationTests : IDisposable
{
    private const int Points = 400_000;
    private const double ShardDegrees = 45; // 32 shards of ~12,500 points: ~13 MB each, staged as 4 MiB blocks
    private static readonly TimeSpan AzuriteOutage = TimeSpan.FromSeconds(4);
    private readonly LocalCluster _cluster = new();
    private readonly string _input = Path.Combine(Path.GetTempPath(), $"range-cancel-{Guid.NewGuid():N}.arrow");

    [Fact]
    public async Task CancelledJobKeepsFinishedShardsAndLeavesNothingTemporary()
    {
        await _cluster.StartSilosAsync(2);
        var (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            var staged = await StartAndWaitForStagedBlocksAsync(client, "cancel");

            var cancelled = await CancelAsync(client, "cancel");
            Assert.Equal(JobState.Cancelled, cancelled.State);

            await AssertCancelledCleanlyAsync(client, "cancel", staged);
            // A shard running on a live silo when the cancel came is logged as cancelled, not failed.
            Assert.Contains("stopped (Cancelled on ", _cluster.SiloLogsAbout("stopped ("));
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task CancelWhileASiloIsKilledAndAzuriteIsDownCleansUpOnceAzuriteIsBack()
    {
        await _cluster.StartSilosAsync(2);
        var (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            var staged = await StartAndWaitForStagedBlocksAsync(client, "cancel-faults");

            // The killed silo's shards leave staged blocks no writer will ever clean up; with Azurite down
            // the coordinator can neither discard them nor delete _work/ until it is back.
            _cluster.Silos[1].Kill();
            _cluster.Azurite.Stop();
            var cancelled = await CancelAsync(client, "cancel-faults"); // retried while the coordinator moves off the killed silo
            Assert.Equal(JobState.Cancelled, cancelled.State);
            await Task.Delay(AzuriteOutage);
            Assert.True((await client.StatusAsync("cancel-faults")).CleaningUp, "the cleanup claimed to be done while Azurite was down");
            _cluster.Azurite.Start();

            await AssertCancelledCleanlyAsync(client, "cancel-faults", staged);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task ACancelledJobResubmittedUnderANewIdComputesOnlyTheShardsItHadNotFinished()
    {
        await _cluster.StartSilosAsync(2);
        var (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            const string destination = "az://maps/resumed";
            await client.GetGrain<IJobCoordinatorGrain>("resume-1").SubmitAsync(MapJobs.Fibonacci(Points, destination, ShardDegrees));
            var running = await _cluster.WaitAsync(client, "resume-1", s => s.DoneShards >= 6 || s.IsFinal);
            Assert.False(running.IsFinal, $"the job ended before it could be cancelled: {running}");
            await CancelAsync(client, "resume-1");
            var cancelled = await _cluster.WaitAsync(client, "resume-1", s => !s.CleaningUp);
            Assert.Equal(JobState.Cancelled, cancelled.State);
            Assert.True(cancelled.DoneShards < cancelled.TotalShards, "every shard finished before the cancel: the test proves nothing");

            var container = StagedBlocks.Container(_cluster.Azurite.ConnectionString, "maps");
            var done = (await client.GetGrain<IJobCoordinatorGrain>("resume-1").GetShardsAsync()).Where(s => s.Status == "done").ToList();
            var before = new Dictionary<string, (string? Sha, DateTimeOffset Time)>();
            foreach (var shard in done)
            {
                var name = JobManifest.ShardBlobName(shard.TileId);
                before[name] = (shard.Sha256, (await container.GetBlobClient($"resumed/{name}").GetPropertiesAsync()).Value.LastModified);
            }

            await client.GetGrain<IJobCoordinatorGrain>("resume-2").SubmitAsync(MapJobs.Fibonacci(Points, destination, ShardDegrees));
            var completed = await _cluster.WaitAsync(client, "resume-2", s => s.IsFinal);
            Assert.True(completed.State == JobState.Completed, $"{completed.State}: {completed.Error}");
            Assert.Equal(done.Count, completed.SkippedShards);
            var shards = await client.GetGrain<IJobCoordinatorGrain>("resume-2").GetShardsAsync();
            Assert.Equal(completed.TotalShards - done.Count, shards.Count(s => s.Attempts > 0));
            var store = BlobStores.Open(destination, _cluster.Azurite.ConnectionString);
            await MapJobs.AssertOutputCompleteAsync(store, Points, completed.TotalShards);
            foreach (var (name, (sha, time)) in before)
            {
                Assert.Equal(sha, await store.Sha256Async(name));
                Assert.Equal(time, (await container.GetBlobClient($"resumed/{name}").GetPropertiesAsync()).Value.LastModified);
            }
            await host.StopAsync();
        }
    }

    private Task<JobStatus> CancelAsync(IClusterClient client, string jobId) =>
        _cluster.WaitAsync(() => client.GetGrain<IJobCoordinatorGrain>(jobId).CancelAsync(), _ => true, $"cancelling {jobId}");

    /// <summary>Submits the job and waits until shards finished and a running one has staged blocks; returns the names that had some.</summary>
    private async Task<HashSet<string>> StartAndWaitForStagedBlocksAsync(IClusterClient client, string jobId)
    {
        WriteInputPoints();
        await client.GetGrain<IJobCoordinatorGrain>(jobId).SubmitAsync(MapJobs.Files(_input, $"az://maps/{jobId}", ShardDegrees));
        var running = await _cluster.WaitAsync(client, jobId, s => s.DoneShards >= 2 || s.IsFinal);
        Assert.False(running.IsFinal, $"the job ended before it could be cancelled: {running}");
        Assert.NotEmpty(await MapJobs.NamesAsync(Store(jobId), "_work/")); // else the test proves nothing about _work/
        var staged = new HashSet<string>();
        await _cluster.WaitAsync(async () =>
        {
            foreach (var shard in await client.GetGrain<IJobCoordinatorGrain>(jobId).GetShardsAsync())
            {
                string name = JobManifest.ShardBlobName(shard.TileId);
                if (shard.Status == "running" && await StagedBlocksAsync(jobId, name) > 0) staged.Add(name);
            }
            return await client.StatusAsync(jobId);
        }, s => staged.Count > 0 || s.IsFinal, $"job {jobId} staging blocks");
        Assert.False((await client.StatusAsync(jobId)).IsFinal, "the job ended before it could be cancelled: make it bigger");
        return staged;
    }

    private async Task AssertCancelledCleanlyAsync(IClusterClient client, string jobId, HashSet<string> stagedBeforeCancel)
    {
        var status = await _cluster.WaitAsync(client, jobId, s => !s.CleaningUp);
        Assert.True(status.State == JobState.Cancelled && status.Error is null, $"{status.State}: {status.Error}");
        Assert.Equal(0, status.RunningShards);
        var store = Store(jobId);
        Assert.False(await store.ExistsAsync(JobManifest.FileName));
        Assert.Empty(await MapJobs.NamesAsync(store, "_work/"));

        var shards = await client.GetGrain<IJobCoordinatorGrain>(jobId).GetShardsAsync();
        var done = shards.Where(s => s.Status == "done").ToList();
        Assert.NotEmpty(done);
        Assert.Contains(shards, s => s.Status != "done");
        // Finished shards are kept, listed, and match their checksums; nothing else is in shards/.
        Assert.Equal(done.Select(s => JobManifest.ShardBlobName(s.TileId)).Order(StringComparer.Ordinal), await MapJobs.NamesAsync(store, "shards/"));
        foreach (var shard in done) Assert.Equal(shard.Sha256, await store.Sha256Async(JobManifest.ShardBlobName(shard.TileId)));
        // No unfinished upload is left, among them those seen staging before the cancel.
        var left = new List<string>();
        foreach (var name in shards.Where(s => s.Status != "done").Select(s => JobManifest.ShardBlobName(s.TileId)).Concat(stagedBeforeCancel).Distinct())
        {
            if (await StagedBlocksAsync(jobId, name) is > 0 and var blocks)
                left.Add($"{name}: {blocks} staged block(s) (silo logs: {_cluster.SiloLogsAbout(name.Split('/', '.')[1])})");
        }
        Assert.True(left.Count == 0, $"{string.Join(", ", left)}; shards: {string.Join(", ", shards.Select(s => $"{s.TileId} {s.Status} #{s.Attempts}"))}; coordinator: {_cluster.SiloLogsAbout("Job " + jobId)}");

        // A shard the cancel stopped did not fail. (With a silo killed, every running shard may have been on it, or
        // waiting for a start on it: those are logged as "silo gone", so only the test without faults expects "Cancelled".)
        Assert.DoesNotContain("stopped (Failed", _cluster.SiloLogsAbout("stopped ("));

        // Nothing is dispatched any more, and `range jobs` shows it cancelled.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(done.Count, (await client.StatusAsync(jobId)).DoneShards);
        var listed = await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ListAsync();
        Assert.Equal(JobState.Cancelled, listed.Single(j => j.JobId == jobId).State);
    }

    private Task<int> StagedBlocksAsync(string jobId, string name) =>
        StagedBlocks.CountAsync(StagedBlocks.Container(_cluster.Azurite.ConnectionString, "maps"), $"{jobId}/{name}");

    private IBlobStore Store(string jobId) => BlobStores.Open($"az://maps/{jobId}", _cluster.Azurite.ConnectionString);

    private void WriteInputPoints()
    {
        var random = new Random(7);
        var lon = new double[Points];
        var lat = new double[Points];
        for (int i = 0; i < Points; i++)
        {
            lon[i] = random.NextDouble() * 360 - 180;
            lat[i] = random.NextDouble() * 180 - 90;
        }
        using var file = File.Create(_input);
        PointsArrowFile.Write(file, new PointSet(lon, lat));
    }

    public void Dispose()
    {
        _cluster.Dispose();
        File.Delete(_input);
    }
}
