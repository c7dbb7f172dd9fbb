using System.Buffers.Binary;
using System.Text.Json;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Jobs;

namespace RangeOrleans.Cli.Tests.Commands;

public class GeoParquetExportTests(ExportMaps maps) : IClassFixture<ExportMaps>
{
    private static string Wkb(double x, double y)
    {
        var wkb = new byte[21];
        wkb[0] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(wkb.AsSpan(1), 1);
        BinaryPrimitives.WriteDoubleLittleEndian(wkb.AsSpan(5), x);
        BinaryPrimitives.WriteDoubleLittleEndian(wkb.AsSpan(13), y);
        return Convert.ToHexString(wkb);
    }

    [DuckDbFact]
    public void DuckDbReadsGridAndLatticeExportsWithGeoMetadataPointsAndTheArrowRowsEmbeddings()
    {
        var lattice = maps.File("lattice-parquet");
        var map = CliRunner.Run("map", "--checkpoint", TestData.Sample("satclip_l10_fixture.ckpt"), "--model", "satclip", "--fibonacci", "700", "--shard-degrees", "90", "--output", lattice);
        Assert.True(map.ExitCode == 0, map.Error);
        foreach (var dest in new[] { maps.TwoDegree, lattice })
        {
            var output = maps.File(Path.GetFileName(dest) + ".parquet");
            var run = CliRunner.Run("export", dest, "--format", "geoparquet", "--output", output);
            Assert.True(run.ExitCode == 0, run.Error + run.Output);
            var manifest = JobManifest.Parse(File.ReadAllBytes(Path.Combine(dest, JobManifest.FileName)), "m");
            string file = output.Replace("'", "''");

            Assert.Equal(manifest.TotalRows.ToString(), ExternalTool.DuckDb($"select count(*)::varchar from read_parquet('{file}')")[0][0].GetString());

            var geo = JsonDocument.Parse(ExternalTool.DuckDb($"select decode(value) from parquet_kv_metadata('{file}') where decode(key) = 'geo'")[0][0].GetString()!).RootElement;
            Assert.Equal("1.1.0", geo.GetProperty("version").GetString());
            Assert.Equal("geometry", geo.GetProperty("primary_column").GetString());
            var column = geo.GetProperty("columns").GetProperty("geometry");
            Assert.Equal("WKB", column.GetProperty("encoding").GetString());
            Assert.Equal(["Point"], column.GetProperty("geometry_types").EnumerateArray().Select(t => t.GetString()));
            Assert.Equal("CRS84", column.GetProperty("crs").GetProperty("id").GetProperty("code").GetString());
            var bbox = column.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            // DuckDB itself takes the column for a geometry from that metadata.
            Assert.StartsWith("GEOMETRY", ExternalTool.DuckDb($"select typeof(geometry) from read_parquet('{file}') limit 1")[0][0].GetString());
            Assert.Equal(manifest.JobId, ExternalTool.DuckDb($"select decode(value) from parquet_kv_metadata('{file}') where decode(key) = 'range.job_id'")[0][0].GetString());

            var rows = ExportMaps.Rows(dest);
            Assert.Equal([rows.Keys.Min(k => k.Lon), rows.Keys.Min(k => k.Lat), rows.Keys.Max(k => k.Lon), rows.Keys.Max(k => k.Lat)], bbox);
            var sample = ExternalTool.DuckDb("SET enable_geoparquet_conversion = false",
                $"select hex(geometry), lon, lat, embedding from read_parquet('{file}') using sample reservoir(25 rows) repeatable (3)");
            Assert.Equal(25, sample.GetArrayLength());
            foreach (var row in sample.EnumerateArray())
            {
                double lon = row[1].GetDouble(), lat = row[2].GetDouble();
                Assert.Equal(Wkb(lon, lat), row[0].GetString());
                var embedding = row[3].EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
                Assert.Equal(rows[(lon, lat)], embedding);
            }
        }
    }

    [Fact]
    public void GeoParquetOfAnUnfinishedJobIsRefusedWithNoFile()
    {
        var unfinished = maps.File("parquet-unfinished");
        Directory.CreateDirectory(unfinished);
        var output = maps.File("refused.parquet");
        var run = CliRunner.Run("export", unfinished, "--format", "geoparquet", "--output", output);
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(output)!, "refused.parquet*"));
    }
}
