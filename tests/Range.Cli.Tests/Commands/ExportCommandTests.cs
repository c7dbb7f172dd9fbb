using System.Globalization;
using System.Text.Json;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Jobs;

namespace RangeOrleans.Cli.Tests.Commands;

/// <summary>Two small grid maps made once: a 2-degree one over a box (NoData outside) and a 1-degree one big enough for an overview.</summary>
public sealed class ExportMaps : IDisposable
{
    private readonly TempDir _dir = new();

    public ExportMaps()
    {
        TwoDegree = Map("m2", "2", "-60,-40,60,70");
        OneDegree = Map("m1", "1", "-30,-20,60,50");
    }

    public string TwoDegree { get; }
    public string OneDegree { get; }

    public string File(string name) => _dir.File(name);

    private string Map(string name, string degrees, string bbox)
    {
        var dest = _dir.File(name);
        var run = CliRunner.Run("map", "--checkpoint", TestData.Sample("satclip_l10_fixture.ckpt"), "--model", "satclip", "--grid", degrees,
            "--bbox", bbox, "--shard-degrees", "30", "--output", dest);
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        return dest;
    }

    public static Dictionary<(double Lon, double Lat), float[]> Rows(string dest)
    {
        var rows = new Dictionary<(double, double), float[]>();
        foreach (var file in Directory.GetFiles(Path.Combine(dest, "shards"), "*.arrow"))
        {
            var c = EmbeddingArrowReader.ReadAll(file);
            for (int i = 0; i < c.Count; i++) rows[(c.Lon[i], c.Lat[i])] = c.Embeddings.AsSpan(i * c.Dimension, c.Dimension).ToArray();
        }
        return rows;
    }

    public void Dispose() => _dir.Dispose();
}

public class ExportCommandTests(ExportMaps maps) : IClassFixture<ExportMaps>
{
    private static string Cog(string dest, string output, string precision)
    {
        var run = CliRunner.Run("export", dest, "--format", "cog", "--output", output, "--precision", precision);
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        return output;
    }

    private static JsonElement GdalInfo(string tif) => JsonDocument.Parse(ExternalTool.Run("gdalinfo", "-json", tif)).RootElement;

    private static double[] ValuesAt(string tif, double lon, double lat) =>
        ExternalTool.Run("gdallocationinfo", "-valonly", "-wgs84", tif, lon.ToString("R", CultureInfo.InvariantCulture), lat.ToString("R", CultureInfo.InvariantCulture))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();

    private static void AssertValidCog(string tif)
    {
        string verdict = ExternalTool.Run("/usr/bin/python3", ExternalTool.CogValidator, tif);
        Assert.Contains("is a valid cloud optimized GeoTIFF", verdict);
    }

    // Cells spread over the box, its corners included.
    private static IEnumerable<(double Lon, double Lat)> SampleCells(Dictionary<(double Lon, double Lat), float[]> rows)
    {
        var keys = rows.Keys.OrderBy(k => k.Lat).ThenBy(k => k.Lon).ToList();
        for (int i = 0; i < keys.Count; i += Math.Max(1, keys.Count / 6)) yield return keys[i];
        yield return keys[^1];
    }

    [GdalFact]
    public void Float32CogIsValidWithTheExactGridGeotransformAndTheArrowRowsValues()
    {
        var tif = Cog(maps.TwoDegree, maps.File("m2-float32.tif"), "float32");
        var info = GdalInfo(tif);
        int dim = JobManifest.Parse(System.IO.File.ReadAllBytes(Path.Combine(maps.TwoDegree, JobManifest.FileName)), "m").Dimension;
        Assert.Equal(dim, info.GetProperty("bands").GetArrayLength());
        Assert.Equal([180, 90], info.GetProperty("size").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal([-180.0, 2, 0, 90, 0, -2], info.GetProperty("geoTransform").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Contains("ID[\"EPSG\",4326]", info.GetProperty("coordinateSystem").GetProperty("wkt").GetString());
        Assert.Equal("Area", info.GetProperty("metadata").GetProperty("").GetProperty("AREA_OR_POINT").GetString());
        var band0 = info.GetProperty("bands")[0];
        Assert.Equal("A00", band0.GetProperty("description").GetString());
        Assert.Equal("Float32", band0.GetProperty("type").GetString());
        var meta = info.GetProperty("metadata").GetProperty("");
        foreach (var key in new[] { "range.job_id", "range.model", "range.model_sha256", "range.software" })
            Assert.False(string.IsNullOrEmpty(meta.GetProperty(key).GetString()), key);
        Assert.Contains("DEFLATE", info.GetProperty("metadata").GetProperty("IMAGE_STRUCTURE").GetProperty("COMPRESSION").GetString());
        AssertValidCog(tif);

        var rows = ExportMaps.Rows(maps.TwoDegree);
        foreach (var (lon, lat) in SampleCells(rows))
        {
            var got = ValuesAt(tif, lon, lat).Select(v => (float)v).ToArray();
            Assert.Equal(rows[(lon, lat)], got);
        }
        // Outside the job's --bbox: NoData (NaN) in every band.
        Assert.All(ValuesAt(tif, 100, 0), v => Assert.True(double.IsNaN(v)));
        Assert.All(ValuesAt(tif, -179, -89), v => Assert.True(double.IsNaN(v)));
    }

    [GdalFact]
    public void Float16AndInt8CogsStayWithinTheirStatedErrorAndHaveOverviews()
    {
        var rows = ExportMaps.Rows(maps.OneDegree);
        var half = Cog(maps.OneDegree, maps.File("m1-float16.tif"), "float16");
        var int8 = Cog(maps.OneDegree, maps.File("m1-int8.tif"), "int8");
        foreach (var tif in new[] { half, int8 })
        {
            AssertValidCog(tif);
            var info = GdalInfo(tif);
            Assert.Equal([-180.0, 1, 0, 90, 0, -1], info.GetProperty("geoTransform").EnumerateArray().Select(v => v.GetDouble()));
            var overviews = info.GetProperty("bands")[0].GetProperty("overviews");
            Assert.Equal([180, 90], overviews[0].GetProperty("size").EnumerateArray().Select(v => v.GetInt32()));
        }

        var bands = GdalInfo(int8).GetProperty("bands").EnumerateArray().ToArray();
        var scale = bands.Select(b => b.GetProperty("scale").GetDouble()).ToArray();
        var offset = bands.Select(b => b.GetProperty("offset").GetDouble()).ToArray();
        double worstHalf = 0, worstInt8 = 0;
        foreach (var (lon, lat) in SampleCells(rows))
        {
            var want = rows[(lon, lat)];
            var h = ValuesAt(half, lon, lat);
            // GDAL 3.6 reads signed bytes as Byte (PIXELTYPE=SIGNEDBYTE): 0..255 stands for -128..127.
            var q = ValuesAt(int8, lon, lat).Select(v => v > 127 ? v - 256 : v).ToArray();
            for (int b = 0; b < want.Length; b++)
            {
                Assert.True(Math.Abs(h[b] - want[b]) <= Math.Abs(want[b]) * Math.Pow(2, -11) + 1e-7, $"float16 band {b}: {h[b]} for {want[b]}");
                worstHalf = Math.Max(worstHalf, Math.Abs(h[b] - want[b]));
                Assert.InRange(q[b], -127, 127);
                double value = q[b] * scale[b] + offset[b];
                Assert.True(Math.Abs(value - want[b]) <= scale[b] / 2 * (1 + 1e-5), $"int8 band {b}: {value} for {want[b]} (scale {scale[b]})");
                worstInt8 = Math.Max(worstInt8, Math.Abs(value - want[b]));
            }
        }
        // NoData outside the box: -128, read by GDAL 3.6 as 128.
        Assert.All(ValuesAt(int8, 100, 0), v => Assert.Equal(128, v));
        Console.WriteLine($"worst absolute error: float16 {worstHalf:E2}, int8 {worstInt8:E2}");
    }

    [Fact]
    public void ExportRefusesAnOutputThatIsTheMapsManifestOrAShardBeforeAnyCompute()
    {
        var copy = maps.File("own-files");
        CopyFolder(maps.TwoDegree, copy);
        var shard = Directory.GetFiles(Path.Combine(copy, "shards"))[0];
        foreach (var (format, output) in new[] { ("geoparquet", Path.Combine(copy, JobManifest.FileName)), ("cog", shard), ("cog", Path.Combine(copy, "shards", "..", JobManifest.FileName)) })
        {
            var before = System.IO.File.ReadAllBytes(output);
            var run = CliRunner.Run("export", copy, "--format", format, "--output", output);
            Assert.True(run.ExitCode == 2, run.Error + run.Output);
            Assert.Contains("--output", Assert.Single(run.Error.Trim().Split('\n')));
            Assert.Equal(before, System.IO.File.ReadAllBytes(output));
        }
        Assert.Empty(Directory.GetFiles(copy, "*.partial-*", SearchOption.AllDirectories));
    }

    [Fact]
    public void CogExportRefusesUnfinishedJobsAndLatticeJobsWithOneLineAndNoFile()
    {
        // An unfinished job: shards but no manifest.
        var unfinished = maps.File("unfinished");
        Directory.CreateDirectory(Path.Combine(unfinished, "shards"));
        var output = maps.File("refused.tif");
        var run = CliRunner.Run("export", unfinished, "--format", "cog", "--output", output);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not a finished map job", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));

        // A lattice job: its manifest says fibonacci.
        var lattice = maps.File("lattice");
        var map = CliRunner.Run("map", "--checkpoint", TestData.Sample("satclip_l10_fixture.ckpt"), "--model", "satclip", "--fibonacci", "500", "--shard-degrees", "90", "--output", lattice);
        Assert.True(map.ExitCode == 0, map.Error);
        run = CliRunner.Run("export", lattice, "--format", "cog", "--output", output);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("needs a grid map job", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));

        // A shard the manifest lists is gone.
        var broken = maps.File("broken");
        CopyFolder(maps.TwoDegree, broken);
        System.IO.File.Delete(Directory.GetFiles(Path.Combine(broken, "shards"))[0]);
        run = CliRunner.Run("export", broken, "--format", "cog", "--output", output);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("missing", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(output)!, "refused.tif*"));
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            System.IO.File.Copy(file, target);
        }
    }
}
