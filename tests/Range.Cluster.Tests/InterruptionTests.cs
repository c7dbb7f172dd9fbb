using RangeOrleans.Core.Jobs;
using RangeOrleans.Storage;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// SIGTERM to a running `range map` (the real command as a process, its in-process silo), or to `range pipeline` while
/// its value encoder trains: it stops within a few seconds with exit 130, leaves no partial file and no manifest, and the
/// same command run again completes. A map failed by one shard keeps what the others finished: the rerun computes that shard.
/// </summary>
public sealed class InterruptionTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("range-sigterm-");

    [Fact]
    public async Task SigtermStopsMapWithinSecondsLeavingNoPartialOutputAndARerunCompletes()
    {
        const long points = 2_000_000;
        var dest = Path.Combine(_folder.FullName, "map");
        string[] map = ["map", "--fibonacci", points.ToString(), "--checkpoint", TestData.Fixture("satclip_l10/satclip.ckpt"), "--model", "satclip",
            "--out", dest, "--job-id", "sigterm"];
        var run = RangeCli.Start(map, timeout: TimeSpan.FromMinutes(5));
        var shards = Path.Combine(dest, "shards");
        await run.WaitUntilAsync(() => Directory.Exists(shards) && Directory.GetFiles(shards, "*.arrow").Length >= 2, TimeSpan.FromSeconds(120), "two shards written");

        var (stopped, took) = await run.StopAsync("TERM");
        Assert.True(took < TimeSpan.FromSeconds(10), $"SIGTERM took {took}: {stopped}");
        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        Assert.DoesNotContain("   at ", stopped.Error);
        Assert.False(File.Exists(Path.Combine(dest, "manifest.json")), "a manifest after an interrupted map");
        Assert.Empty(Directory.GetFiles(dest, "*.partial-*", SearchOption.AllDirectories));

        var rerun = await RangeCli.Start(map, timeout: TimeSpan.FromMinutes(10)).Result;
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var manifest = JobManifest.Parse(await File.ReadAllBytesAsync(Path.Combine(dest, "manifest.json")), "manifest");
        await MapJobs.AssertOutputCompleteAsync(BlobStores.Open(dest), points, manifest.Shards.Count);
    }

    [Fact]
    public async Task AMapStoppedBySigtermHalfwayIsFinishedByARerunThatComputesOnlyTheMissingShards()
    {
        const long points = 1_000_000;
        const int totalShards = 72; // 30-degree tiles over the globe
        var dest = Path.Combine(_folder.FullName, "resumed");
        string[] map(string jobId) => ["map", "--fibonacci", points.ToString(), "--checkpoint", TestData.Fixture("satclip_l10/satclip.ckpt"), "--model", "satclip",
            "--out", dest, "--job-id", jobId];
        var run = RangeCli.Start(map("first"), timeout: TimeSpan.FromMinutes(5));
        var receipts = Path.Combine(dest, "_receipts");
        await run.WaitUntilAsync(() => Directory.Exists(receipts) && Directory.GetFiles(receipts, "*.json").Length >= totalShards / 3,
            TimeSpan.FromMinutes(3), "a third of the shards written");
        var (stopped, _) = await run.StopAsync("TERM");
        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        Assert.False(File.Exists(Path.Combine(dest, "manifest.json")), "the map finished before the signal: the test proves nothing");

        // What the interrupted run finished: every shard with a receipt, its bytes and time.
        var finished = Directory.GetFiles(receipts, "*.json").Select(f => $"shards/{Path.GetFileNameWithoutExtension(f)}.arrow")
            .ToDictionary(name => name, name => (Sha: ContentHash.OfFile(Path.Combine(dest, name)), Time: File.GetLastWriteTimeUtc(Path.Combine(dest, name))));
        Assert.InRange(finished.Count, totalShards / 3, totalShards - 1);

        var rerun = await RangeCli.Start(map("second"), timeout: TimeSpan.FromMinutes(10)).Result; // another job id: what DEST holds counts
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Contains($"reused {finished.Count} of {totalShards} shards", rerun.Error);
        Assert.Contains($"computing {totalShards - finished.Count}", rerun.Error);
        var store = BlobStores.Open(dest);
        await MapJobs.AssertOutputCompleteAsync(store, points, totalShards);
        foreach (var (name, (sha, time)) in finished)
        {
            Assert.Equal(sha, ContentHash.OfFile(Path.Combine(dest, name)));
            Assert.Equal(time, File.GetLastWriteTimeUtc(Path.Combine(dest, name)));
        }
        var manifest = JobManifest.Parse(await File.ReadAllBytesAsync(Path.Combine(dest, "manifest.json")), "manifest");
        Assert.Equal(totalShards - finished.Count, manifest.Shards.Count(s => File.GetLastWriteTimeUtc(Path.Combine(dest, s.Name)) > finished.Values.Max(f => f.Time)));
        Assert.Empty(await MapJobs.NamesAsync(store, "_receipts/")); // the manifest lists the shards now
    }

    [Fact]
    public async Task AMapFailedByOneShardAfterTheOthersFinishedIsFinishedByARerunThatComputesOnlyThatShard()
    {
        const long points = 100_000;
        const int totalShards = 72;
        var dest = Path.Combine(_folder.FullName, "failed");
        // A real fault: a folder where one shard's file goes, so that shard's write fails on every attempt.
        string blocked = Path.Combine(dest, JobManifest.ShardBlobName("t+150+60"));
        Directory.CreateDirectory(blocked);
        string[] map(string jobId) => ["map", "--fibonacci", points.ToString(), "--checkpoint", TestData.Fixture("satclip_l10/satclip.ckpt"), "--model", "satclip",
            "--out", dest, "--job-id", jobId];

        var failed = await RangeCli.Start(map("first"), timeout: TimeSpan.FromMinutes(5)).Result;
        Assert.True(failed.ExitCode == 1, failed.ToString());
        Assert.Contains("shard t+150+60: no silo could run it", failed.Output + failed.Error);
        Assert.Contains("Is a directory", failed.Output + failed.Error);
        Assert.False(File.Exists(Path.Combine(dest, "manifest.json")));
        var receipts = Path.Combine(dest, "_receipts");
        var finished = Directory.GetFiles(receipts, "*.json").Select(f => $"shards/{Path.GetFileNameWithoutExtension(f)}.arrow")
            .ToDictionary(name => name, name => (Sha: ContentHash.OfFile(Path.Combine(dest, name)), Time: File.GetLastWriteTimeUtc(Path.Combine(dest, name))));
        Assert.Equal(totalShards - 1, finished.Count); // the others ran to the end

        Directory.Delete(blocked);
        var rerun = await RangeCli.Start(map("second"), timeout: TimeSpan.FromMinutes(5)).Result;
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Contains($"reused {totalShards - 1} of {totalShards} shards", rerun.Error);
        Assert.Contains("computing 1", rerun.Error);
        await MapJobs.AssertOutputCompleteAsync(BlobStores.Open(dest), points, totalShards);
        foreach (var (name, (sha, time)) in finished)
        {
            Assert.Equal(sha, ContentHash.OfFile(Path.Combine(dest, name)));
            Assert.Equal(time, File.GetLastWriteTimeUtc(Path.Combine(dest, name)));
        }
    }

    [Fact]
    public async Task SigtermStopsPipelineWhileItsValueEncoderTrainsWithinSecondsAndARerunCompletes()
    {
        var dest = Path.Combine(_folder.FullName, "pipeline");
        string[] pipeline = ["pipeline", "--data", "earth", "--entries", "64", "--epochs", "1", "--batch-size", "16", "--legendre-polys", "4",
            "--bank-entries", "1000", "--grid", "10", "--shard-degrees", "90", "--output", dest];
        var run = RangeCli.Start(pipeline, timeout: TimeSpan.FromMinutes(10));
        await run.WaitUntilAsync(() => run.OutputSoFar.Contains("training the value encoder", StringComparison.Ordinal), TimeSpan.FromMinutes(5), "value encoder training");
        await Task.Delay(500);
        Assert.False(run.OutputSoFar.Contains("mae epoch 4/4", StringComparison.Ordinal), "the value encoder had finished: the test proves nothing");

        var (stopped, took) = await run.StopAsync("TERM");
        // Under the 10 s after which the process exits anyway: the training itself stopped.
        Assert.True(took < TimeSpan.FromSeconds(7), $"SIGTERM took {took}: {stopped}");
        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        Assert.DoesNotContain("   at ", stopped.Error);
        var bank = Path.Combine(dest, "bank");
        Assert.False(File.Exists(Path.Combine(bank, "mae.ckpt")), "a value encoder checkpoint from an interrupted training");
        Assert.Empty(Directory.GetFiles(dest, "*.tmp", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(dest, "*.partial-*", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(Path.Combine(dest, "map")), "the map step ran after the signal");

        var rerun = await RangeCli.Start(pipeline, timeout: TimeSpan.FromMinutes(10)).Result;
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var manifest = JobManifest.Parse(await File.ReadAllBytesAsync(Path.Combine(dest, "map", "manifest.json")), "manifest");
        Assert.Equal(36 * 18, manifest.TotalRows);
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
