using System.Text.Json;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Core.Points;

namespace RangeOrleans.Core.Tests.Jobs;

public class JobManifestTests
{
    [Fact]
    public void JsonRoundTripKeepsEveryField()
    {
        using var spec = JsonDocument.Parse("""{"points":{"kind":"grid","degrees":1},"destination":"az://out/run1"}""");
        var manifest = new JobManifest
        {
            JobId = "job-1",
            Spec = spec.RootElement.Clone(),
            Model = new ArtifactIdentity("satclip.ckpt", new string('a', 64)),
            Bank = new ArtifactIdentity("bank.npz", new string('b', 64)),
            ModelKind = "range+",
            Dimension = 768,
            Precision = "float16",
            TileDegrees = 10,
            TotalRows = 300,
            CompletedAt = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
            Shards = [new ManifestShard("shards/t+000+00.arrow", "t+000+00", 100, new string('c', 64)), new ManifestShard("shards/t+010+00.arrow", "t+010+00", 200, new string('d', 64))],
        };
        var back = JobManifest.Parse(manifest.ToJsonBytes(), "test");
        Assert.Equal(manifest.JobId, back.JobId);
        Assert.Equal(manifest.Model, back.Model);
        Assert.Equal(manifest.Bank, back.Bank);
        Assert.Equal(manifest.ModelKind, back.ModelKind);
        Assert.Equal(manifest.Dimension, back.Dimension);
        Assert.Equal(manifest.Precision, back.Precision);
        Assert.Equal(manifest.TileDegrees, back.TileDegrees);
        Assert.Equal(manifest.TotalRows, back.TotalRows);
        Assert.Equal(manifest.CompletedAt, back.CompletedAt);
        Assert.Equal(manifest.Shards, back.Shards);
        Assert.True(JsonElement.DeepEquals(manifest.Spec, back.Spec));
    }

    [Fact]
    public void DamagedManifestIsAFormatError() =>
        Assert.Throws<RangeFormatException>(() => JobManifest.Parse("{\"jobId\": 3"u8, "m.json"));

    [Fact]
    public void PointsArrowFileRoundTrips()
    {
        var points = new PointSet([1.5, -2.25, 180], [0, 45.125, -90]);
        using var stream = new MemoryStream();
        PointsArrowFile.Write(stream, points);
        stream.Position = 0;
        var back = PointsArrowFile.Read(stream, "mem");
        Assert.Equal(points.Lon, back.Lon);
        Assert.Equal(points.Lat, back.Lat);
    }

    [Fact]
    public void TilePartitionerKeepsEveryPointOnce()
    {
        var tiling = new GlobeTiling(90);
        var partitioner = new TilePartitioner(tiling);
        partitioner.Add(new PointSet([-170, 10, 180, 10], [-80, 10, 90, 20]));
        var tiles = partitioner.Tiles().ToList();
        Assert.Equal(4, partitioner.Count);
        Assert.Equal(3, tiles.Count);
        Assert.Equal([10.0, 10.0], tiles.Single(t => t.Tile == tiling.TileOf(10, 10)).Points.Lon);
    }
}
