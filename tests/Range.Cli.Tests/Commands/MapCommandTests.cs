using System.Globalization;
using System.Text;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Jobs;

namespace RangeOrleans.Cli.Tests.Commands;

public class MapCommandTests
{
    private static string F(string name) => TestData.Fixture("satclip_l10/" + name);

    [Fact]
    public void EmbeddedOneDegreeGridWrites64800RowsEachPointOnceEqualToEmbed()
    {
        using var dir = new TempDir();
        var dest = dir.File("map");
        var map = CliRunner.Run("map", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--grid", "1", "--shard-degrees", "30", "--output", dest);
        Assert.True(map.ExitCode == 0, map.Error + map.Output);

        var manifest = JobManifest.Parse(File.ReadAllBytes(Path.Combine(dest, JobManifest.FileName)), "manifest");
        Assert.Equal(72, manifest.Shards.Count);
        Assert.Equal(64_800, manifest.TotalRows);
        Assert.Equal(ContentHash.OfFile(F("satclip.ckpt")), manifest.Model.Sha256);
        var rows = new Dictionary<(double, double), float[]>();
        int dim = 0;
        foreach (var shard in manifest.Shards)
        {
            var path = Path.Combine(dest, shard.Name);
            Assert.Equal(shard.Sha256, ContentHash.OfFile(path));
            var columns = EmbeddingArrowReader.ReadAll(path);
            Assert.Equal(shard.Rows, columns.Count);
            dim = columns.Dimension;
            for (int i = 0; i < columns.Count; i++)
                Assert.True(rows.TryAdd((columns.Lon[i], columns.Lat[i]), columns.Embeddings.AsSpan(i * dim, dim).ToArray()), "a point appears twice");
        }
        Assert.Equal(manifest.Dimension, dim);

        // The same points through `range embed`: every row equal.
        var grid = new GridPoints(1);
        var csv = new StringBuilder("lon,lat\n");
        for (int j = 0; j < 180; j++)
            for (int i = 0; i < 360; i++)
                csv.Append(grid.Lon(i).ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(grid.Lat(j).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        File.WriteAllText(dir.File("grid.csv"), csv.ToString());
        var embed = CliRunner.Run("embed", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--input", dir.File("grid.csv"), "--output", dir.File("embed.arrow"));
        Assert.True(embed.ExitCode == 0, embed.Error);
        var expected = EmbeddingArrowReader.ReadAll(dir.File("embed.arrow"));
        Assert.Equal(64_800, expected.Count);
        Assert.Equal(64_800, rows.Count);
        // Shards embed 900 points per call and `range embed` 8,192, but both compute at one chunk height
        // (FixedHeightChunks), so rows come out bit-identical. The test still allows float32 rounding: MKL does
        // not promise bitwise reproducibility while two shards multiply at once on a loaded machine (one row
        // differed in one of four runs at load average 20).
        int differing = 0;
        double worst = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            var got = rows[(expected.Lon[i], expected.Lat[i])];
            var want = expected.Embeddings.AsSpan(i * dim, dim);
            if (!want.SequenceEqual(got)) differing++;
            for (int k = 0; k < dim; k++) worst = Math.Max(worst, Math.Abs(want[k] - got[k]) / Math.Max(1, Math.Abs(want[k])));
        }
        Assert.True(worst <= 1e-6, $"{differing} rows differ from `range embed`, by up to {worst:E2} (relative)");
    }

    [Fact]
    public void PointFilesAreMappedWithTheBankAndAReprocessSkipsShardsWithTheSameIdentities()
    {
        using var dir = new TempDir();
        var dest = dir.File("map");
        string[] common = ["--checkpoint", F("satclip.ckpt"), "--model", "range+", "--bank", F("range_db.npz"), "--input", F("points.csv"), "--shard-degrees", "45", "--output", dest];
        var first = CliRunner.Run(["map", .. common]);
        Assert.True(first.ExitCode == 0, first.Error + first.Output);
        var manifest = JobManifest.Parse(File.ReadAllBytes(Path.Combine(dest, JobManifest.FileName)), "manifest");
        Assert.NotNull(manifest.Bank);
        Assert.False(Directory.Exists(Path.Combine(dest, "_work")) && Directory.EnumerateFiles(Path.Combine(dest, "_work"), "*", SearchOption.AllDirectories).Any());

        var embed = CliRunner.Run("embed", "--checkpoint", F("satclip.ckpt"), "--model", "range+", "--bank", F("range_db.npz"), "--input", F("points.csv"), "--output", dir.File("embed.arrow"));
        Assert.Equal(0, embed.ExitCode);
        var expected = EmbeddingArrowReader.ReadAll(dir.File("embed.arrow"));
        var got = manifest.Shards.Select(s => EmbeddingArrowReader.ReadAll(Path.Combine(dest, s.Name))).ToList();
        Assert.Equal(expected.Count, got.Sum(c => c.Count));
        var byPoint = new Dictionary<(double, double), float[]>();
        foreach (var c in got)
            for (int i = 0; i < c.Count; i++) byPoint[(c.Lon[i], c.Lat[i])] = c.Embeddings.AsSpan(i * c.Dimension, c.Dimension).ToArray();
        for (int i = 0; i < expected.Count; i++)
        {
            var want = expected.Embeddings.AsSpan(i * expected.Dimension, expected.Dimension);
            var have = byPoint[(expected.Lon[i], expected.Lat[i])];
            for (int k = 0; k < want.Length; k++) Assert.Equal(want[k], have[k], 1e-5f); // retrieval batches differ in size
        }

        var shardTimes = manifest.Shards.ToDictionary(s => s.Name, s => File.GetLastWriteTimeUtc(Path.Combine(dest, s.Name)));
        var again = CliRunner.Run(["map", .. common]);
        Assert.True(again.ExitCode == 0, again.Error + again.Output);
        Assert.Contains($"{manifest.Shards.Count} already produced", again.Output);
        foreach (var (name, time) in shardTimes) Assert.Equal(time, File.GetLastWriteTimeUtc(Path.Combine(dest, name)));
    }

    [Fact]
    public void AShardFileCorruptedAfterTheJobIsDetectedByItsChecksumAndRecomputedOnReprocess()
    {
        using var dir = new TempDir();
        var dest = dir.File("map");
        string[] args = ["map", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--grid", "5", "--shard-degrees", "90", "--output", dest];
        var first = CliRunner.Run(args);
        Assert.True(first.ExitCode == 0, first.Error + first.Output);
        var before = JobManifest.Parse(File.ReadAllBytes(Path.Combine(dest, JobManifest.FileName)), "manifest");
        Assert.Equal(8, before.Shards.Count);

        // Flip bytes in the middle of one finished shard (inside the embedding data): same length, different content.
        var victim = before.Shards[3];
        var path = Path.Combine(dest, victim.Name);
        var original = EmbeddingArrowReader.ReadAll(path);
        var bytes = File.ReadAllBytes(path);
        for (int i = bytes.Length / 2; i < bytes.Length / 2 + 16; i++) bytes[i] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        Assert.NotEqual(victim.Sha256, ContentHash.OfFile(path));
        var untouched = before.Shards.Where(s => s != victim).ToDictionary(s => s.Name, s => File.GetLastWriteTimeUtc(Path.Combine(dest, s.Name)));

        var again = CliRunner.Run(args);
        Assert.True(again.ExitCode == 0, again.Error + again.Output);
        Assert.Contains($"{before.Shards.Count - 1} already produced", again.Output);
        var after = JobManifest.Parse(File.ReadAllBytes(Path.Combine(dest, JobManifest.FileName)), "manifest");
        Assert.Equal(before.Shards.Select(s => (s.Name, s.Rows)), after.Shards.Select(s => (s.Name, s.Rows)));
        Assert.Equal(before.TotalRows, after.TotalRows);
        foreach (var shard in after.Shards) Assert.Equal(shard.Sha256, ContentHash.OfFile(Path.Combine(dest, shard.Name)));
        foreach (var (name, time) in untouched)
        {
            Assert.Equal(time, File.GetLastWriteTimeUtc(Path.Combine(dest, name)));
            Assert.Equal(before.Shards.Single(s => s.Name == name).Sha256, after.Shards.Single(s => s.Name == name).Sha256);
        }
        // The recomputed shard holds the same rows as the original (its file differs only in the job id it records).
        var recomputed = EmbeddingArrowReader.ReadAll(path);
        Assert.Equal(original.Lon, recomputed.Lon);
        Assert.Equal(original.Lat, recomputed.Lat);
        Assert.Equal(original.Embeddings, recomputed.Embeddings);
    }

    [Theory]
    [InlineData("--grid", "1", "--fibonacci", "100")]
    [InlineData("--grid", "0.7")]
    [InlineData("--fibonacci", "0")]
    [InlineData("--grid", "1", "--bbox", "10,0,-10,5")]
    [InlineData("--grid", "1", "--shard-degrees", "7")]
    public void BadJobOptionsExitWithTwoAndOneLine(params string[] points)
    {
        using var dir = new TempDir();
        var result = CliRunner.Run(["map", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--output", dir.File("x"), .. points]);
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.Trim().Split('\n'));
    }
}
