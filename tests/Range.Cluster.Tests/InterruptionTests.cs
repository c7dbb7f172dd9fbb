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
        await run.WaitUntilAsync(() => Directory.Exists(shards) && Directory.GetFiles(shards, "*.arrow").Length >= 2, TimeSpan.FromSeconds(120), "two shards written");

        var (stopped, took) = await run.StopAsync("TERM");
        Assert.True(took < TimeSpan.FromSeconds(10), $"SIGTERM took {took}: {stopped}");
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
        var manifest = Core.Jobs.JobManifest.Parse(await File.ReadAllBytesAsync(Path.Combine(dest, "map", "manifest.json")), "manifest");
        Assert.Equal(36 * 18, manifest.TotalRows);
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
