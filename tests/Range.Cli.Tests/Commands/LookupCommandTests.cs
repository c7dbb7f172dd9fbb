using System.Globalization;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using RangeOrleans.Core.Formats.Arrow;

namespace RangeOrleans.Cli.Tests.Commands;

public class LookupCommandTests(ExportMaps maps) : IClassFixture<ExportMaps>
{
    private static string Csv(string path, IEnumerable<(double Lon, double Lat)> points)
    {
        var csv = new StringBuilder("lon,lat\n");
        foreach (var (lon, lat) in points) csv.Append(string.Create(CultureInfo.InvariantCulture, $"{lon:R},{lat:R}\n"));
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    private static double[] Distances(string arrow)
    {
        using var stream = File.OpenRead(arrow);
        using var reader = new ArrowFileReader(stream);
        var all = new List<double>();
        while (reader.ReadNextRecordBatch() is { } batch)
            using (batch) all.AddRange(((DoubleArray)batch.Column("distance_km")).Values.ToArray());
        return all.ToArray();
    }

    [Fact]
    public void NearestAndBilinearOnCellCentresReturnExactlyTheMapsRowsInInputOrder()
    {
        var rows = ExportMaps.Rows(maps.TwoDegree);
        var points = rows.Keys.OrderBy(k => (k.Lon * 7 + k.Lat * 13) % 11).ToList(); // not the map's order
        var input = Csv(maps.File("centres.csv"), points);
        foreach (var method in new[] { "nearest", "bilinear" })
        {
            var output = maps.File($"centres-{method}.arrow");
            var run = CliRunner.Run("lookup", maps.TwoDegree, "--input", input, "--output", output, "--method", method);
            Assert.True(run.ExitCode == 0, run.Error);
            var got = EmbeddingArrowReader.ReadAll(output);
            Assert.Equal(points.Count, got.Count);
            for (int k = 0; k < got.Count; k++)
            {
                Assert.Equal(points[k], (got.Lon[k], got.Lat[k]));
                Assert.True(rows[points[k]].AsSpan().SequenceEqual(got.Embeddings.AsSpan(k * got.Dimension, got.Dimension)), $"{method}: row {k} differs");
            }
            Assert.All(Distances(output), d => Assert.True(d < 1e-6, $"distance {d} km"));
        }
    }

    [Fact]
    public void ANearestPointGetsItsCellsRowAndDistanceAndBilinearAveragesBetweenCentres()
    {
        var rows = ExportMaps.Rows(maps.TwoDegree);
        // (10.6, 20.3) lies in the cell centred at (11, 21); (12, 21) is half way between (11, 21) and (13, 21).
        var input = Csv(maps.File("two.csv"), [(10.6, 20.3), (12, 21)]);
        var nearest = maps.File("two-nearest.arrow");
        Assert.Equal(0, CliRunner.Run("lookup", maps.TwoDegree, "--input", input, "--output", nearest).ExitCode);
        var got = EmbeddingArrowReader.ReadAll(nearest);
        Assert.Equal(rows[(11, 21)], got.Embeddings.AsSpan(0, got.Dimension).ToArray());
        Assert.Equal(RangeOrleans.Core.Geometry.GreatCircle.DistanceKm(10.6, 20.3, 11, 21), Distances(nearest)[0], 6);

        var bilinear = maps.File("two-bilinear.arrow");
        Assert.Equal(0, CliRunner.Run("lookup", maps.TwoDegree, "--input", input, "--output", bilinear, "--method", "bilinear").ExitCode);
        got = EmbeddingArrowReader.ReadAll(bilinear);
        var mid = got.Embeddings.AsSpan(got.Dimension, got.Dimension);
        for (int b = 0; b < got.Dimension; b++) Assert.Equal((rows[(11, 21)][b] + rows[(13, 21)][b]) / 2, mid[b], 5);
    }

    [Fact]
    public void PointsOutsideTheMapAndUnfinishedMapsAreOneLineExitTwoAndNoFile()
    {
        var output = maps.File("outside.arrow");
        var input = Csv(maps.File("outside.csv"), [(0, 0), (100, 0)]); // the 2-degree map's --bbox is -60,-40,60,70
        var run = CliRunner.Run("lookup", maps.TwoDegree, "--input", input, "--output", output);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("point 2 (100, 0) is outside the map's cells", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(output)!, "outside.arrow*"));

        var unfinished = maps.File("lookup-unfinished");
        Directory.CreateDirectory(unfinished);
        run = CliRunner.Run("lookup", unfinished, "--input", input, "--output", output);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not a finished map job", run.Error);
        Assert.False(File.Exists(output));
    }
}

public class SimilarityCommandTests(ExportMaps maps) : IClassFixture<ExportMaps>
{
    [GdalFact]
    public void SimilarityWritesAPictureAndAGeoTiffWhoseQueryCellIsOneAndOthersTheCosine()
    {
        var png = maps.File("sim.png");
        var tif = maps.File("sim.tif");
        var run = CliRunner.Run("similarity", maps.TwoDegree, "--at", "11,21", "--png", png, "--output", tif);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.True(new FileInfo(png).Length > 10_000);
        var rows = ExportMaps.Rows(maps.TwoDegree);
        double Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum() / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(x => (double)x * x));
        double At(double lon, double lat) => double.Parse(ExternalTool.Run("gdallocationinfo", "-valonly", "-wgs84", tif,
            lon.ToString(System.Globalization.CultureInfo.InvariantCulture), lat.ToString(System.Globalization.CultureInfo.InvariantCulture)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1, At(11, 21), 5);
        Assert.Equal(Cosine(rows[(11, 21)], rows[(-45, 55)]), At(-45, 55), 5);
        Assert.True(double.IsNaN(At(100, 0))); // outside the map's --bbox

        run = CliRunner.Run("similarity", maps.TwoDegree, "--at", "100,0", "--png", maps.File("outside.png"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("outside the map's cells", run.Error);
        Assert.False(File.Exists(maps.File("outside.png")));
    }
}
