using System.Diagnostics;
using RangeOrleans.Storage;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// SIGTERM to a running `range map` (the real command as a process, its in-process silo), or to `range pipeline` while
/// its value encoder trains: it stops within a few seconds with exit 130, leaves no partial file and no manifest, and the
/// same command run again completes.
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
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (!Directory.Exists(shards) || Directory.GetFiles(shards, "*.arrow").Length < 2)
        {
            Assert.True(DateTime.UtcNow < deadline && !run.Result.IsCompleted, $"no shard written: {(run.Result.IsCompleted ? await run.Result : run.OutputSoFar)}");
            await Task.Delay(100);
        }

        var clock = Stopwatch.StartNew();
        run.Signal("TERM");
        var stopped = await run.Result;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"SIGTERM took {clock.Elapsed}: {stopped}");
        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        Assert.DoesNotContain("   at ", stopped.Error);
        Assert.False(File.Exists(Path.Combine(dest, "manifest.json")), "a manifest after an interrupted map");
        Assert.Empty(Directory.GetFiles(dest, "*.partial-*", SearchOption.AllDirectories));

        var rerun = await RangeCli.Start(map, timeout: TimeSpan.FromMinutes(10)).Result;
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var manifest = Core.Jobs.JobManifest.Parse(await File.ReadAllBytesAsync(Path.Combine(dest, "manifest.json")), "manifest");
        await MapJobs.AssertOutputCompleteAsync(BlobStores.Open(dest), points, manifest.Shards.Count);
    }

    [Fact]
    public async Task SigtermStopsPipelineWhileItsValueEncoderTrainsWithinSecondsAndARerunCompletes()
    {
        var dest = Path.Combine(_folder.FullName, "pipeline");
        string[] pipeline = ["pipeline", "--data", "earth", "--entries", "64", "--epochs", "1", "--batch-size", "16", "--legendre-polys", "4",
            "--bank-entries", "1000", "--grid", "10", "--shard-degrees", "90", "--output", dest];
        var run = RangeCli.Start(pipeline, timeout: TimeSpan.FromMinutes(10));
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (!run.OutputSoFar.Contains("training the value encoder", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline && !run.Result.IsCompleted, $"the value encoder never trained: {(run.Result.IsCompleted ? await run.Result : run.OutputSoFar)}");
            await Task.Delay(100);
        }
        await Task.Delay(500);
        Assert.False(run.OutputSoFar.Contains("mae epoch 4/4", StringComparison.Ordinal), "the value encoder had finished: the test proves nothing");

        var clock = Stopwatch.StartNew();
        run.Signal("TERM");
        var stopped = await run.Result;
        // Under the 10 s after which the process exits anyway: the training itself stopped.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(7), $"SIGTERM took {clock.Elapsed}: {stopped}");
        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        Assert.DoesNotContain("   at ", stopped.Error);
        var bank = Path.Combine(dest, "bank");
        Assert.False(File.Exists(Path.Combine(bank, "mae.ckpt")), "a value encoder checkpoint from an interrupted training");
        Assert.Empty(Directory.GetFiles(dest, "*.tmp", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(dest, "*.partial-*", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(Path.Combine(dest, "map")), "the map step ran after the signal");

        var rerun = await RangeCli.Start(pipeline, timeout: TimeSpan.FromMinutes(10)).Result;
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var manifest = Core.Jobs.JobManifest.Parse(await File.ReadAllBytesAsync(Path.Combine(dest, "map", "manifest.json")), "manifest");
        Assert.Equal(36 * 18, manifest.TotalRows);
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
