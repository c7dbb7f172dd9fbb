using System.Text.Json;
using RangeOrleans.Core.Jobs;

namespace RangeOrleans.Cli.Tests.Commands;

/// <summary>
/// `range map` onto a DEST that holds another spec's map (finished, or unfinished with only its job.json): refused with
/// exit 2 and one line naming what differs, DEST byte for byte as it was; `--overwrite` replaces it with nothing of the
/// old map left; the same spec (even from a copy of the checkpoint elsewhere) is reprocessed as before.
/// </summary>
public class MapDestinationClaimTests
{
    private static string F(string name) => TestData.Fixture("satclip_l10/" + name);

    [Fact]
    public void AnotherSpecsMapIsRefusedLeavingDestUntouchedAndOverwriteReplacesIt()
    {
        using var dir = new TempDir();
        var dest = dir.File("map");
        string[] first = ["map", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--grid", "5", "--shard-degrees", "90", "--output", dest];
        string[] other = ["map", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--grid", "10", "--shard-degrees", "45", "--output", dest];
        var made = CliRunner.Run(first);
        Assert.True(made.ExitCode == 0, made.Error + made.Output);
        Assert.True(File.Exists(Path.Combine(dest, JobClaim.FileName)));
        var before = Snapshot(dest);

        var refused = CliRunner.Run(other);
        AssertRefused(refused, "holds the finished map of job", "other points (a 5-degree grid; this job: a 10-degree grid)");
        Assert.Equal(before, Snapshot(dest));
        var float16 = CliRunner.Run([.. first, "--precision", "float16"]);
        AssertRefused(float16, "holds the finished map of job", "another precision (float32; this job: float16)");
        Assert.Equal(before, Snapshot(dest));

        // The same spec from a copy of the checkpoint elsewhere: the same output, reprocessed (nothing recomputed).
        File.Copy(F("satclip.ckpt"), dir.File("copy.ckpt"));
        var again = CliRunner.Run([.. first.Select(a => a == F("satclip.ckpt") ? dir.File("copy.ckpt") : a)]);
        Assert.True(again.ExitCode == 0, again.Error + again.Output);
        Assert.Contains("8 already produced", again.Output);

        // Unfinished: no manifest, only the claim and shard files.
        File.Delete(Path.Combine(dest, JobManifest.FileName));
        var unfinished = Snapshot(dest);
        AssertRefused(CliRunner.Run(other), "holds the unfinished map of job", "other points");
        Assert.Equal(unfinished, Snapshot(dest));

        var replaced = CliRunner.Run([.. other, "--overwrite"]);
        Assert.True(replaced.ExitCode == 0, replaced.Error + replaced.Output);
        var manifest = JobManifest.Parse(File.ReadAllBytes(Path.Combine(dest, JobManifest.FileName)), "manifest");
        Assert.Equal(36 * 18, manifest.TotalRows);
        Assert.Equal(10, manifest.Spec.GetProperty("points").GetProperty("gridDegrees").GetDouble());
        // Nothing of the old map is left: the shard folder holds exactly the new manifest's shards, each matching.
        var shardFiles = Directory.GetFiles(Path.Combine(dest, "shards")).Select(f => "shards/" + Path.GetFileName(f)).Order().ToList();
        Assert.Equal(manifest.Shards.Select(s => s.Name).Order(), shardFiles);
        foreach (var shard in manifest.Shards) Assert.Equal(shard.Sha256, ContentHash.OfFile(Path.Combine(dest, shard.Name)));
        var claim = JobClaim.Parse(File.ReadAllBytes(Path.Combine(dest, JobClaim.FileName)), "claim");
        Assert.Equal(manifest.JobId, claim.JobId);

        // And now the first spec is the other one.
        var replacedBefore = Snapshot(dest);
        AssertRefused(CliRunner.Run(first), "holds the finished map of job", "other points (a 10-degree grid; this job: a 5-degree grid)");
        Assert.Equal(replacedBefore, Snapshot(dest));
    }

    [Fact]
    public void AModelsDestIsNeverAMapsEvenWithOverwrite()
    {
        using var dir = new TempDir();
        var model = dir.File("model");
        var pretrain = CliRunner.Run("pretrain", "--data", "earth", "--entries", "48", "--epochs", "1", "--batch-size", "16", "--legendre-polys", "4", "--output", model);
        Assert.True(pretrain.ExitCode == 0, pretrain.Error + pretrain.Output);
        var before = Snapshot(model);

        foreach (var overwrite in new[] { false, true })
        {
            string[] map = ["map", "--checkpoint", Path.Combine(model, "last.ckpt"), "--model", "satclip", "--grid", "10", "--output", model];
            var refused = CliRunner.Run(overwrite ? [.. map, "--overwrite"] : map);
            Assert.True(refused.ExitCode == 2, $"exit {refused.ExitCode}: {refused.Error}{refused.Output}");
            var line = Assert.Single(refused.Error.Trim().Split('\n'));
            Assert.Matches(@"^error: \S+ holds the output of pretrain job '[^']+', not a map; give another --output$", line);
            Assert.Equal(before, Snapshot(model));
        }
    }

    /// <summary>
    /// A DEST whose manifest (a finished map) or claim (an unfinished one) cannot be read: refused with one line naming
    /// the file, DEST as it was; `--overwrite` replaces it as it replaces another spec's map.
    /// </summary>
    [Fact]
    public void AnUnreadableManifestOrClaimIsRefusedNamingItAndOverwriteReplacesIt()
    {
        foreach (var file in new[] { JobManifest.FileName, JobClaim.FileName })
        {
            using var dir = new TempDir();
            var dest = dir.File("map");
            string[] map = ["map", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--grid", "10", "--shard-degrees", "90", "--output", dest];
            var made = CliRunner.Run(map);
            Assert.True(made.ExitCode == 0, made.Error + made.Output);
            if (file == JobClaim.FileName) File.Delete(Path.Combine(dest, JobManifest.FileName)); // unfinished: the claim is what is read
            File.WriteAllText(Path.Combine(dest, file), "{ \"jobId\": ");
            var before = Snapshot(dest);

            var refused = CliRunner.Run(map);
            Assert.True(refused.ExitCode == 2, $"{file}: exit {refused.ExitCode}: {refused.Error}{refused.Output}");
            var line = Assert.Single(refused.Error.Trim().Split('\n'));
            Assert.Contains(Path.Combine(dest, file), line);
            Assert.Equal(before, Snapshot(dest));

            var replaced = CliRunner.Run([.. map, "--overwrite"]);
            Assert.True(replaced.ExitCode == 0, $"{file}: {replaced.Error}{replaced.Output}");
            var manifest = JobManifest.Parse(File.ReadAllBytes(Path.Combine(dest, JobManifest.FileName)), "manifest");
            Assert.Equal(36 * 18, manifest.TotalRows);
            Assert.Equal(manifest.JobId, JobClaim.Parse(File.ReadAllBytes(Path.Combine(dest, JobClaim.FileName)), "claim").JobId);
        }
    }

    internal static void AssertRefused(CliRunner.Result result, params string[] parts)
    {
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Error}{result.Output}");
        var line = Assert.Single(result.Error.Trim().Split('\n'));
        Assert.StartsWith("error: ", line);
        foreach (var part in parts) Assert.Contains(part, line);
        Assert.Contains("give --overwrite to replace it, or another --output", line);
    }

    /// <summary>Every file under <paramref name="folder"/> with its SHA-256 and time of last write.</summary>
    internal static string Snapshot(string folder) => JsonSerializer.Serialize(
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(folder, f)} {ContentHash.OfFile(f)} {File.GetLastWriteTimeUtc(f):O}"));
}
