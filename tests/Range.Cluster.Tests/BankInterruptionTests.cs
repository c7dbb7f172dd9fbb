using RangeOrleans.Core.Banks;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Testing;
using RangeOrleans.Training.Banks;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// `range bank build` (the real command as a process, its in-process silo) stopped by SIGTERM halfway, or failed by one
/// shard after the others finished: the rerun builds only the shards DEST does not hold, and leaves the others' files as
/// they were (bytes and times).
/// </summary>
public sealed class BankInterruptionTests(BankEncoders encoders) : IClassFixture<BankEncoders>, IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("range-bank-interrupt-");

    [Fact]
    public async Task ABankBuildStoppedBySigtermHalfwayIsFinishedByARerunThatBuildsOnlyTheMissingShards()
    {
        const int entries = 3000, totalShards = 30;
        var dest = Path.Combine(_folder.FullName, "stopped");
        var hashes = Path.Combine(dest, LocalBankJob.ShardHashesFile);
        var run = RangeCli.Start(Build(entries, dest), timeout: TimeSpan.FromMinutes(5));
        await run.WaitUntilAsync(() => File.Exists(hashes) && Recorded(dest).Count >= totalShards / 3, TimeSpan.FromMinutes(3), "a third of the shards recorded");
        var (stopped, _) = await run.StopAsync("TERM");
        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        Assert.False(File.Exists(Path.Combine(dest, LocalBankJob.BankFile)), "the bank finished before the signal: the test proves nothing");

        var finished = Finished(dest);
        Assert.InRange(finished.Count, totalShards / 3, totalShards - 1);
        // Only recorded shards are left: what the stopped runs began was removed.
        Assert.Equal(finished.Keys.Order(StringComparer.Ordinal), ShardFiles(dest));

        await AssertRerunBuildsOnlyTheRestAsync(dest, entries, totalShards, finished);
    }

    [Fact]
    public async Task ABankBuildFailedByOneShardAfterTheOthersFinishedIsFinishedByARerunThatBuildsOnlyThatShard()
    {
        const int entries = 1000, totalShards = 10;
        var dest = Path.Combine(_folder.FullName, "failed");
        // A real fault: a folder where the last shard's file goes, so that shard's write fails on every attempt.
        string blocked = Path.Combine(dest, LocalBankJob.ShardBlob(totalShards - 1));
        Directory.CreateDirectory(blocked);

        // Within the process timeout: the failed job's cleanup leaves the folder alone instead of retrying its removal.
        var failed = await RangeCli.Start(Build(entries, dest), timeout: TimeSpan.FromMinutes(4)).Result;
        Assert.True(failed.ExitCode == 1, failed.ToString());
        Assert.Contains($"shard {totalShards - 1}: no silo could run it", failed.Output + failed.Error);
        Assert.Contains("Is a directory", failed.Output + failed.Error);
        Assert.False(File.Exists(Path.Combine(dest, LocalBankJob.BankFile)));
        Assert.True(Directory.Exists(blocked), "the cleanup removed a folder that was not its own");
        var finished = Finished(dest);
        Assert.InRange(finished.Count, totalShards / 2, totalShards - 1);

        Directory.Delete(blocked);
        await AssertRerunBuildsOnlyTheRestAsync(dest, entries, totalShards, finished);
    }

    private string[] Build(int entries, string dest)
    {
        var spec = encoders.Spec(entries, 100, dest);
        return ["bank", "build", "--checkpoint", spec.Checkpoint, "--mae", spec.Mae, "--data", spec.Data, "--entries", entries.ToString(),
            "--seed", spec.Seed.ToString(), "--shard-size", spec.ShardSize.ToString(), "--out", dest];
    }

    private async Task AssertRerunBuildsOnlyTheRestAsync(string dest, int entries, int totalShards, Dictionary<string, (string Sha, DateTime Time)> finished)
    {
        var rerun = await RangeCli.Start(Build(entries, dest), timeout: TimeSpan.FromMinutes(5)).Result;
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Contains($"reused {finished.Count} of {totalShards} shards", rerun.Output);
        Assert.Contains($"building {totalShards - finished.Count}", rerun.Output);
        foreach (var (name, (sha, time)) in finished)
        {
            Assert.Equal(sha, ContentHash.OfFile(Path.Combine(dest, name)));
            Assert.Equal(time, File.GetLastWriteTimeUtc(Path.Combine(dest, name)));
        }
        var recorded = Recorded(dest);
        Assert.Equal(totalShards, recorded.Count);
        foreach (var (name, sha) in recorded) Assert.Equal(sha, ContentHash.OfFile(Path.Combine(dest, name)));
        Assert.Equal(entries, ArrowBankFile.Read(Path.Combine(dest, LocalBankJob.BankFile)).Count);
    }

    /// <summary>shards.sha256: shard file name to SHA-256 (empty while it does not exist).</summary>
    private static Dictionary<string, string> Recorded(string dest)
    {
        var file = Path.Combine(dest, LocalBankJob.ShardHashesFile);
        return !File.Exists(file) ? [] : File.ReadAllLines(file).Where(line => line.Length > 0).Select(line => line.Split("  "))
            .ToDictionary(parts => parts[1], parts => parts[0]);
    }

    /// <summary>The recorded shards, each with its bytes' SHA-256 (which must be the recorded one) and its write time.</summary>
    private static Dictionary<string, (string Sha, DateTime Time)> Finished(string dest) =>
        Recorded(dest).ToDictionary(r => r.Key, r =>
        {
            var path = Path.Combine(dest, r.Key);
            Assert.Equal(r.Value, ContentHash.OfFile(path));
            return (r.Value, File.GetLastWriteTimeUtc(path));
        });

    private static IEnumerable<string> ShardFiles(string dest) =>
        Directory.GetFiles(Path.Combine(dest, LocalBankJob.ShardFolder)).Select(f => $"{LocalBankJob.ShardFolder}/{Path.GetFileName(f)}").Order(StringComparer.Ordinal);

    public void Dispose()
    {
        try { _folder.Delete(recursive: true); } catch (IOException) { }
    }
}
