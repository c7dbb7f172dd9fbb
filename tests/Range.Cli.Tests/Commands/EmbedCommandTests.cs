using System.IO.Compression;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Formats.Numpy;

namespace RangeOrleans.Cli.Tests.Commands;

public class EmbedCommandTests
{
    private static string F(string name) => TestData.Fixture("satclip_l10/" + name);

    public static TheoryData<string, string, double> FixtureOutputs => new()
    {
        // SatCLIP and SH: float64 values rounded to float32 (~1e-6 here); RANGE/RANGE+: the reference retrieves in float32.
        { "satclip", "expected_satclip.npy", 2e-6 },
        { "sh", "expected_sh_features.npy", 2e-6 },
        { "range", "expected_range.npy", 1e-4 },
        { "range+", "expected_range_plus.npy", 1e-4 },
    };

    [Theory]
    [MemberData(nameof(FixtureOutputs))]
    public void EmbedReproducesTheReferenceOutputs(string model, string expectedFile, double tolerance)
    {
        using var dir = new TempDir();
        var output = dir.File("out.arrow");
        var result = CliRunner.Run("embed", "--checkpoint", F("satclip.ckpt"), "--model", model, "--bank", F("range_db.npz"),
            "--input", F("points.csv"), "--output", output);
        Assert.True(result.ExitCode == 0, result.Error);

        var expected = NpyReader.Read(F(expectedFile));
        var got = EmbeddingArrowReader.ReadAll(output);
        Assert.Equal(expected.Shape[0], got.Count);
        Assert.Equal(expected.Shape[1], got.Dimension);
        var want = expected.ToDoubleArray();
        double worst = 0;
        for (int i = 0; i < want.Length; i++) worst = Math.Max(worst, Math.Abs(want[i] - got.Embeddings[i]));
        Assert.True(worst <= tolerance, $"{model}: max abs difference {worst:E3} > {tolerance:E1}");

        var points = NpyReader.Read(F("points_lonlat.npy")).ToDoubleArray();
        for (int i = 0; i < got.Count; i++)
        {
            Assert.Equal(points[2 * i], got.Lon[i], 1e-9); // points.csv holds 10 decimals
            Assert.Equal(points[2 * i + 1], got.Lat[i], 1e-9);
        }
    }

    [Fact]
    public void EmbedReadsArrowPointsAndArrowBanksAlike()
    {
        using var dir = new TempDir();
        var csvOut = dir.File("csv.arrow");
        Assert.Equal(0, CliRunner.Run("embed", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--input", F("points.csv"), "--output", csvOut).ExitCode);
        // The output file itself has lon and lat columns: a valid points file.
        var arrowOut = dir.File("arrow.arrow");
        Assert.Equal(0, CliRunner.Run("embed", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--input", csvOut, "--output", arrowOut).ExitCode);
        Assert.Equal(EmbeddingArrowReader.ReadAll(csvOut).Embeddings, EmbeddingArrowReader.ReadAll(arrowOut).Embeddings);
    }

    [Fact]
    public void EmbedReadsAnArrowFileWrittenByArrowJsWithTheSchemaOnlyInItsFooter()
    {
        using var dir = new TempDir();
        var output = dir.File("out.arrow");
        var result = CliRunner.Run("embed", "--checkpoint", F("satclip.ckpt"), "--model", "satclip",
            "--input", TestData.Fixture("arrow-js/points_schema_in_footer.arrow"), "--output", output);
        Assert.True(result.ExitCode == 0, result.Error);
        var got = EmbeddingArrowReader.ReadAll(output);
        Assert.Equal(new[] { -122.4194, 2.3522, 139.6917, -58.3816, 0 }, got.Lon);
        Assert.Equal(new[] { 37.7749, 48.8566, 35.6895, -34.6037, 0 }, got.Lat);
    }

    [Theory]
    [InlineData("Longitude,Latitude", 0, "")]
    [InlineData("LNG,lat", 0, "")]
    [InlineData("lon,Longitude,lat", 2, "2 longitude columns ('lon', 'Longitude')")]
    public void EmbedReadsEveryLongitudeAndLatitudeHeaderAndRefusesAmbiguousOnes(string header, int exitCode, string mentions)
    {
        using var dir = new TempDir();
        var input = dir.File("points.csv");
        int columns = header.Split(',').Length;
        WriteCsv(input, header + "\n" + string.Join(",", Enumerable.Repeat("10", columns - 1).Append("20")) + "\n");
        var result = CliRunner.Run("embed", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--input", input, "--output", dir.File("out.arrow"));
        Assert.True(result.ExitCode == exitCode, result.Error);
        if (exitCode == 0) Assert.Equal(new[] { 10.0 }, EmbeddingArrowReader.ReadAll(dir.File("out.arrow")).Lon);
        else AssertCleanFailure(result, dir, mentions);
    }

    private static void WriteCsv(string path, string text) => File.WriteAllText(path, text);

    public static TheoryData<string, string> BadPoints => new()
    {
        { "lon,lat\n10,20\n5,95.5\n", "row 2" },
        { "lon,lat\n10,20\n200,5\n", "row 2" },
        { "lon,lat\nNaN,3\n", "row 1" },
        { "x,y\n1,2\n", "lon" },
        { "", "empty" },
        { "lon,lat\n", "no points" },
    };

    [Theory]
    [MemberData(nameof(BadPoints))]
    public void BadPointsFailWithOneLineNamingTheProblemAndLeaveNoOutput(string csv, string mentions)
    {
        using var dir = new TempDir();
        var input = dir.File("points.csv");
        WriteCsv(input, csv);
        var output = dir.File("out.arrow");
        var result = CliRunner.Run("embed", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--input", input, "--output", output);
        AssertCleanFailure(result, dir, mentions);
    }

    [Fact]
    public void TruncatedCheckpointIsRefused()
    {
        using var dir = new TempDir();
        var ckpt = dir.File("cut.ckpt");
        var bytes = File.ReadAllBytes(F("satclip.ckpt"));
        File.WriteAllBytes(ckpt, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var result = CliRunner.Run("embed", "--checkpoint", ckpt, "--model", "satclip", "--input", F("points.csv"), "--output", dir.File("out.arrow"));
        AssertCleanFailure(result, dir, "cut.ckpt");
    }

    [Fact]
    public void CheckpointWithFlippedTensorBytesIsRefusedNamingTheZipMember()
    {
        using var dir = new TempDir();
        var ckpt = dir.File("flipped.ckpt");
        var bytes = File.ReadAllBytes(F("satclip.ckpt"));
        byte[] member;
        using (var zip = new ZipArchive(new MemoryStream(bytes)))
        {
            member = new byte[zip.GetEntry("satclip/data/25")!.Length];
            using var s = zip.GetEntry("satclip/data/25")!.Open();
            s.ReadExactly(member);
        }
        int start = bytes.AsSpan().IndexOf(member) + 4096;
        for (int i = 0; i < 200; i++) bytes[start + i] ^= 0xFF;
        File.WriteAllBytes(ckpt, bytes);
        var result = CliRunner.Run("embed", "--checkpoint", ckpt, "--model", "satclip", "--input", F("points.csv"), "--output", dir.File("out.arrow"));
        Assert.Equal(2, result.ExitCode);
        AssertCleanFailure(result, dir, "flipped.ckpt: zip member 'satclip/data/25' fails its CRC-32 check");
    }

    [Fact]
    public void CorruptBankIsRefused()
    {
        using var dir = new TempDir();
        var npz = dir.File("bad.npz");
        var bytes = File.ReadAllBytes(F("range_db.npz"));
        File.WriteAllBytes(npz, bytes.AsSpan(0, 4096).ToArray());
        var result = CliRunner.Run("embed", "--checkpoint", F("satclip.ckpt"), "--model", "range", "--bank", npz, "--input", F("points.csv"), "--output", dir.File("out.arrow"));
        AssertCleanFailure(result, dir, "bad.npz");
    }

    [Fact]
    public void BankWhoseKeysDoNotMatchTheCheckpointIsRefused()
    {
        using var dir = new TempDir();
        var npz = dir.File("small.npz");
        var rng = new Random(1);
        NpzWriter.Write(npz, new Dictionary<string, Core.Formats.HostTensor>
        {
            ["locs"] = new(Core.Formats.TensorDType.Float64, [3, 2], new double[] { 0, 0, 10, 10, 20, 20 }),
            ["satclip_embeddings"] = new(Core.Formats.TensorDType.Float64, [3, 128], Enumerable.Range(0, 384).Select(_ => rng.NextDouble()).ToArray()),
            ["image_embeddings"] = new(Core.Formats.TensorDType.Float64, [3, 4], new double[12]),
        });
        var result = CliRunner.Run("embed", "--checkpoint", F("satclip.ckpt"), "--model", "range+", "--bank", npz, "--input", F("points.csv"), "--output", dir.File("out.arrow"));
        AssertCleanFailure(result, dir, "dimension 128");
    }

    [Fact]
    public void CheckpointWhosePickleNamesOsSystemIsRefusedAndNothingRuns()
    {
        using var dir = new TempDir();
        var marker = dir.File("pwned");
        var ckpt = dir.File("evil.ckpt");
        // GLOBAL 'os system', the command as argument, REDUCE: os.system("touch <marker>").
        var command = "touch " + marker;
        var pickle = new List<byte> { 0x80, 0x02 };
        pickle.AddRange("cos\nsystem\n"u8.ToArray());
        pickle.Add((byte)'X');
        pickle.AddRange(BitConverter.GetBytes(command.Length));
        pickle.AddRange(System.Text.Encoding.UTF8.GetBytes(command));
        pickle.AddRange(new byte[] { 0x85, (byte)'R', (byte)'.' });
        using (var zip = ZipFile.Open(ckpt, ZipArchiveMode.Create))
        using (var entry = zip.CreateEntry("evil/data.pkl").Open())
            entry.Write(pickle.ToArray());
        var result = CliRunner.Run("embed", "--checkpoint", ckpt, "--model", "satclip", "--input", F("points.csv"), "--output", dir.File("out.arrow"));
        AssertCleanFailure(result, dir, "os.system");
        Assert.False(File.Exists(marker));
    }

    [Theory]
    [InlineData("--beta", "1.5", "beta")]
    [InlineData("--temperature", "-1", "temperature")]
    public void OutOfRangeSettingsAreRefused(string option, string value, string mentions)
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("embed", "--checkpoint", F("satclip.ckpt"), "--model", "range+", "--bank", F("range_db.npz"),
            "--input", F("points.csv"), "--output", dir.File("out.arrow"), option, value);
        AssertCleanFailure(result, dir, mentions);
    }

    [Fact]
    public void RangeWithoutABankIsRefused()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("embed", "--checkpoint", F("satclip.ckpt"), "--model", "range", "--input", F("points.csv"), "--output", dir.File("out.arrow"));
        AssertCleanFailure(result, dir, "--bank");
    }

    [Fact]
    public void Float16OutputHoldsTheSameEmbeddingsRoundedToHalf()
    {
        using var dir = new TempDir();
        string full = dir.File("f32.arrow"), half = dir.File("f16.arrow");
        Assert.Equal(0, CliRunner.Run("embed", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--input", F("points.csv"), "--output", full).ExitCode);
        Assert.Equal(0, CliRunner.Run("embed", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--input", F("points.csv"), "--output", half, "--precision", "float16").ExitCode);
        var a = EmbeddingArrowReader.ReadAll(full);
        var b = EmbeddingArrowReader.ReadAll(half);
        Assert.Equal(EmbeddingPrecision.Float16, b.Precision);
        for (int i = 0; i < a.Embeddings.Length; i++) Assert.Equal((float)(Half)a.Embeddings[i], b.Embeddings[i]);
        Assert.True(new FileInfo(half).Length < 0.6 * new FileInfo(full).Length);
    }

    [Fact]
    public void HelpDescribesEveryOption()
    {
        var result = CliRunner.Run("embed", "--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var option in new[] { "--checkpoint", "--model", "--bank", "--beta", "--temperature", "--geo-temperature", "--sh", "--input", "--output" })
            Assert.Contains(option, result.Output);
        Assert.Contains("embed", CliRunner.Run("--help").Output);
    }

    private static void AssertCleanFailure(CliRunner.Result result, TempDir dir, string mentions)
    {
        Assert.NotEqual(0, result.ExitCode);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(mentions, lines[0], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Directory.GetFiles(dir.Path), f => Path.GetFileName(f).StartsWith("out", StringComparison.Ordinal));
    }
}
