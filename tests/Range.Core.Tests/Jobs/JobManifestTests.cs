using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Core.Points;
using RangeOrleans.Core.Tests.Fuzzing;

namespace RangeOrleans.Core.Tests.Jobs;

public class JobManifestTests
{
    private static JobManifest Sample()
    {
        using var spec = JsonDocument.Parse("""{"points":{"kind":"grid","degrees":1},"destination":"az://out/run1"}""");
        return new JobManifest
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
    }

    [Fact]
    public void JsonRoundTripKeepsEveryField()
    {
        var manifest = Sample();
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

    private static JsonObject ValidManifest() => JsonNode.Parse(Sample().ToJsonBytes())!.AsObject();

    /// <summary>Manifests that parse as JSON but would point a reprocess elsewhere or crash it: each is refused, naming the problem.</summary>
    public static TheoryData<string, string> HostileManifests => new()
    {
        { """{"shards":[{"name":"../../etc/passwd","tile":"t+000+00","rows":300,"sha256":"#"}]}""", "is not shards/t+000+00.arrow" },
        { """{"shards":[{"name":"shards/../x.arrow","tile":"../x","rows":300,"sha256":"#"}]}""", "no valid tile id" },
        { """{"shards":[{"name":"/abs.arrow","tile":"t+000+00","rows":300,"sha256":"#"}]}""", "is not shards/t+000+00.arrow" },
        { """{"shards":null}""", "no shard list" },
        { """{"shards":[null]}""", "no valid tile id" },
        { """{"model":null}""", "no model source" },
        { """{"model":{"source":"x","sha256":"zz"}}""", "no model source" },
        { """{"shards":[{"name":"shards/t+000+00.arrow","tile":"t+000+00","rows":300,"sha256":"not-hex"}]}""", "is not 64 hex digits" },
        { """{"shards":[{"name":"shards/t+000+00.arrow","tile":"t+000+00","rows":-5,"sha256":"#"}]}""", "-5 rows" },
        { """{"shards":[{"name":"shards/t+000+00.arrow","tile":"t+000+00","rows":150,"sha256":"#"},{"name":"shards/t+000+00.arrow","tile":"t+000+00","rows":150,"sha256":"#"}]}""", "listed twice" },
        { """{"totalRows":301}""", "the shards hold 300 rows, the manifest says 301" },
        { """{"precision":"float64"}""", "precision 'float64'" },
        { """{"dimension":-1}""", "dimension -1" },
        { """{"tileDegrees":0}""", "tile size 0" },
        { """{"spec":3}""", "spec is not an object" },
        { """{"jobId":""}""", "no job id" },
        { """{"dimension":1e400}""", "not a valid job manifest" },
        { """{"formatVersion":2}""", "format version 2" },
    };

    [Theory]
    [MemberData(nameof(HostileManifests))]
    public void HostileManifestsAreRefusedNamingTheProblem(string overrides, string expected)
    {
        var manifest = ValidManifest();
        foreach (var (key, value) in JsonNode.Parse(overrides.Replace("\"#\"", $"\"{new string('e', 64)}\""))!.AsObject())
            manifest[key] = value?.DeepClone();

        var e = Assert.Throws<RangeFormatException>(() => JobManifest.Parse(Encoding.UTF8.GetBytes(manifest.ToJsonString()), "DEST/manifest.json"));

        Assert.Equal("DEST/manifest.json", e.Source);
        Assert.Contains(expected, e.Detail);
    }

    [Fact]
    public void DeeplyNestedSpecIsRefusedNotRecursedInto()
    {
        var json = ValidManifest().ToJsonString().Replace("\"spec\":{", "\"spec\":{\"x\":" + new string('[', 100_000) + new string(']', 100_000) + ",");
        Assert.Throws<RangeFormatException>(() => JobManifest.Parse(Encoding.UTF8.GetBytes(json), "m.json"));
    }

    [Fact]
    public void ManifestReaderSurvivesMutatedManifests()
    {
        var seed = Encoding.UTF8.GetBytes(ValidManifest().ToJsonString());
        Assert.NotNull(JobManifest.Parse(seed, "seed")); // the seed itself is valid
        var outcome = ReaderFuzzer.Run(seed, bytes => JobManifest.Parse(bytes, "fuzz.json"), cases: 300, randomSeed: 11);
        Assert.True(outcome.Failures.Count == 0, string.Join("\n", outcome.Failures.Take(10)));
        Assert.True(outcome.Refused > 0);
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
