using System.Text.RegularExpressions;
using RangeOrleans.Testing;
using RangeOrleans.Abstractions;
using RangeOrleans.Storage;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// Silos that cannot do a shard for a reason of their own (no AZURE_STORAGE_CONNECTION_STRING, an unusable model cache
/// folder), through the real `range` commands and `range silo` processes, real Redis and Azurite: the shard is retried on
/// another silo and the job completes; where no silo can do it the job fails naming the silos, with nothing left running
/// and no unfinished upload; the rate stays what it was at the job's end, also after its coordinator moved.
/// </summary>
public sealed class SiloDependentFailureTests : IDisposable
{
    private const long Points = 600_000;
    private readonly LocalCluster _cluster = new();

    private string Redis => _cluster.Redis.ConnectionString;

    private Dictionary<string, string> ClientEnvironment => new() { ["AZURE_STORAGE_CONNECTION_STRING"] = _cluster.Azurite.ConnectionString };

    private string[] Map(string command, string dest, long points, params string[] more) =>
        [command, "--cluster", Redis, "--checkpoint", TestData.Fixture("satclip_l10/satclip.ckpt"), "--model", "satclip",
         "--fibonacci", points.ToString(), "--shard-degrees", "30", "--output", dest, .. more];

    [Fact]
    public async Task AShardASiloCannotDoIsRetriedOnAnotherAndTheRateStaysAsAtTheEndAfterTheCoordinatorMoves()
    {
        await _cluster.StartSilosAsync(1); // A, set up right: submitted while it is alone, the job's coordinator runs there
        var submitted = await RangeCli.Start(Map("submit", "az://maps/retried", Points, "--job-id", "retried"), ClientEnvironment).Result;
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        await _cluster.StartSilosAsync(1, maxConcurrentShards: 2, withStorage: false); // B: no connection string
        var (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            var done = await _cluster.WaitAsync(client, "retried", s => s.IsFinal && !s.CleaningUp);
            Assert.True(done.State == JobState.Completed, $"{done}; silo logs: {_cluster.SiloLogsAbout("retried")}");
            Assert.Equal(0, done.RunningShards);
            var retried = _cluster.SiloLogsAbout("will be retried on another silo");
            Assert.True(retried.Length > 0, $"no shard was placed on the silo without storage, the test proves nothing: {done}");
            Assert.Contains("StorageNotConfiguredException on silo ", retried); // the coordinator's log names B and why
            Assert.Contains("AZURE_STORAGE_CONNECTION_STRING", retried);
            // A retry goes to a silo the shard has not failed on (random placement alone sends half of them back to B).
            var again = _cluster.SiloLogLines("will be retried on another silo")
                .Select(line => Regex.Match(line, @"shard (\S+) will be retried").Groups[1].Value)
                .GroupBy(tile => tile).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").ToList();
            Assert.True(again.Count == 0, $"shards placed again on the silo they had failed on: {string.Join(", ", again)}");
            await MapJobs.AssertOutputCompleteAsync(BlobStores.Open("az://maps/retried", _cluster.Azurite.ConnectionString), Points, done.TotalShards);

            // The rate is measured to the job's end: it stays, and survives the coordinator's move to B (state from Redis).
            Assert.True(done.PointsPerSecond > 0, done.ToString());
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(done.PointsPerSecond, (await client.StatusAsync("retried")).PointsPerSecond);
            _cluster.Silos[0].Kill();
            var moved = await _cluster.WaitAsync(client, "retried", s => s.IsFinal, TimeSpan.FromSeconds(60));
            Assert.Equal(JobState.Completed, moved.State);
            Assert.Equal(done.PointsPerSecond, moved.PointsPerSecond, done.PointsPerSecond * 1e-3);
            await host.StopAsync();
        }

        // B alone coordinates the next job and cannot open its DEST: refused at once, naming B, exit 2.
        var refused = await RangeCli.Start(Map("map", "az://maps/refused", 1000), ClientEnvironment).Result;
        Assert.True(refused.ExitCode == 2, refused.ToString());
        var line = Assert.Single(refused.Error.Trim().Split('\n'));
        Assert.Contains("silo ", line);
        Assert.Contains("AZURE_STORAGE_CONNECTION_STRING", line);
    }

    [Fact]
    public async Task AShardNoSiloCanDoFailsTheJobNamingEverySiloWithNothingRunningAndNoUnfinishedUploadLeft()
    {
        // Both silos' model cache is a path through a regular file: every shard of a job whose checkpoint is a blob fails
        // there, while the coordinator (which only hashes the checkpoint) prepares the job fine.
        var blocker = Path.Combine(Path.GetTempPath(), $"range-not-a-folder-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(blocker, "a file, not a folder");
        try
        {
            await BlobStores.Open("az://models", _cluster.Azurite.ConnectionString)
                .WriteAllBytesAsync("satclip.ckpt", await File.ReadAllBytesAsync(TestData.Fixture("satclip_l10/satclip.ckpt")));
            await _cluster.StartSilosAsync(2, maxConcurrentShards: 2, withStorage: true, options: ["--model-cache", Path.Combine(blocker, "cache")]);
            string[] map = [.. Map("map", "az://maps/nowhere", Points, "--job-id", "nowhere")];
            map[Array.IndexOf(map, "--checkpoint") + 1] = "az://models/satclip.ckpt";
            var failed = await RangeCli.Start(map, ClientEnvironment).Result;

            Assert.True(failed.ExitCode == 1, failed.ToString());
            Assert.Contains("nowhere: failed", failed.Output);
            Assert.Contains("no silo could run it (failed on ", failed.Output);
            Assert.DoesNotContain("   at ", failed.Error);
            var status = await RangeCli.Start(["status", "nowhere", "--cluster", Redis]).Result;
            Assert.True(status.ExitCode == 1, status.ToString());
            Assert.Contains("(0 running", status.Output);
            var dest = BlobStores.Open("az://maps/nowhere", _cluster.Azurite.ConnectionString);
            Assert.Empty(await MapJobs.NamesAsync(dest, "shards/"));
            Assert.Empty(await MapJobs.NamesAsync(dest, "_work/"));
            Assert.False(await dest.ExistsAsync("manifest.json"));
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    public void Dispose() => _cluster.Dispose();
}
