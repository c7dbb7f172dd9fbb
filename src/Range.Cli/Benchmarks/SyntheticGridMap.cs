using System.Globalization;
using System.Text.Json;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Jobs;

namespace RangeOrleans.Cli.Benchmarks;

/// <summary>
/// A finished grid map job's DEST (shards + manifest.json, as <c>range map</c> lays them out) with made-up smooth
/// embeddings, so the map tools (export, lookup) can be timed at sizes no fixture model reaches here (a 0.1-degree
/// grid with 768 dimensions). Value b of the cell at (lon, lat) is sin(lon f_b + p_b) cos(lat g_b): deterministic.
/// Written one shard at a time (memory: one batch).
/// </summary>
internal static class SyntheticGridMap
{
    public static JobManifest Write(string dest, double degrees, int dimension, BoundingBox? bbox = null, double shardDegrees = 30, int batchRows = 8192)
    {
        var grid = new GridPoints(degrees, bbox);
        var tiling = new GlobeTiling(shardDegrees);
        Directory.CreateDirectory(Path.Combine(dest, "shards"));
        var f = Enumerable.Range(0, dimension).Select(b => 0.01 + 0.003 * (b % 17)).ToArray();
        var g = Enumerable.Range(0, dimension).Select(b => 0.02 + 0.002 * (b % 13)).ToArray();
        var p = Enumerable.Range(0, dimension).Select(b => 0.37 * b).ToArray();
        var shards = new List<ManifestShard>();
        foreach (var count in grid.CountPerTile(tiling))
        {
            var points = grid.PointsIn(tiling, count.Tile);
            string id = tiling.Id(count.Tile), name = JobManifest.ShardBlobName(id);
            string path = Path.Combine(dest, name);
            using (var writer = new EmbeddingArrowWriter(path, dimension, EmbeddingPrecision.Float32, new Dictionary<string, string> { ["range.model"] = "synthetic" }))
            {
                var values = new float[(long)batchRows * dimension];
                for (int start = 0; start < points.Count; start += batchRows)
                {
                    int n = Math.Min(batchRows, points.Count - start);
                    for (int r = 0; r < n; r++)
                    {
                        double lon = points.Lon[start + r], lat = points.Lat[start + r];
                        var row = values.AsSpan(r * dimension, dimension);
                        for (int b = 0; b < dimension; b++) row[b] = (float)(Math.Sin(lon * f[b] + p[b]) * Math.Cos(lat * g[b]));
                    }
                    writer.WriteBatch(points.Lon.AsSpan(start, n), points.Lat.AsSpan(start, n), values.AsSpan(0, n * dimension));
                }
                writer.Commit();
            }
            shards.Add(new ManifestShard(name, id, points.Count, ContentHash.OfFile(path)));
        }
        string spec = string.Create(CultureInfo.InvariantCulture,
            $"{{\"points\":{{\"kind\":\"grid\",\"gridDegrees\":{degrees:R},\"boundingBox\":{(bbox is null ? "null" : "\"" + bbox + "\"")}}},\"shardDegrees\":{shardDegrees:R},\"precision\":\"float32\"}}");
        var manifest = new JobManifest
        {
            JobId = "synthetic-" + degrees.ToString("R", CultureInfo.InvariantCulture) + "-" + dimension,
            Spec = JsonDocument.Parse(spec).RootElement.Clone(),
            Model = new ArtifactIdentity("synthetic", new string('0', 64)),
            ModelKind = "synthetic",
            Dimension = dimension,
            Precision = "float32",
            TileDegrees = shardDegrees,
            TotalRows = shards.Sum(s => s.Rows),
            CompletedAt = DateTimeOffset.UtcNow,
            Shards = shards,
        };
        File.WriteAllBytes(Path.Combine(dest, JobManifest.FileName), manifest.ToJsonBytes());
        return manifest;
    }
}
