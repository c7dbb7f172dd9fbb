using System.Diagnostics;
using RangeOrleans.Cli.Export;
using RangeOrleans.Core.Formats.Arrow;
using RangeOrleans.Core.Formats.GeoTiff;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Core.Points;

namespace RangeOrleans.Cli.Benchmarks;

/// <summary>
/// The map tools on a grid map (a synthetic one, <see cref="SyntheticGridMap"/>, made in the folder when it holds
/// no map yet): <c>range lookup</c> of uniformly random points, its core alone (cells found and rows gathered,
/// shards already decoded) and end to end (shards read, Arrow file written), then <c>range export --format cog</c>.
/// </summary>
public static class MapToolsBenchmark
{
    public sealed record Report(string Map, double GridDegrees, int Dimension, long MapRows, int Points,
        double LookupCorePointsPerSecond, double BilinearCorePointsPerSecond, double LookupEndToEndPointsPerSecond,
        double CogSeconds, long CogBytes, double PeakMemoryMiB);

    public static Report Run(string folder, double degrees, int dimension, BoundingBox? bbox, int points, TextWriter output)
    {
        string dest = Path.Combine(folder, "map");
        if (!File.Exists(Path.Combine(dest, JobManifest.FileName)))
        {
            var made = Stopwatch.StartNew();
            SyntheticGridMap.Write(dest, degrees, dimension, bbox);
            output.WriteLine($"made a synthetic {degrees}-degree x {dimension} grid map in {dest} ({made.Elapsed.TotalSeconds:F1} s)");
        }
        var map = FinishedMap.Open(dest);
        var grid = map.RequireGrid("the map tools benchmark");
        int dim = map.Dimension;
        var rng = new Random(11);
        var lon = new double[points];
        var lat = new double[points];
        for (int k = 0; k < points; k++)
        {
            lon[k] = grid.Box.West + rng.NextDouble() * (grid.Box.East - grid.Box.West);
            lat[k] = grid.Box.South + rng.NextDouble() * (grid.Box.North - grid.Box.South);
        }

        // Core: every shard decoded first (not timed), then the look-up alone, in chunks as range lookup does.
        var shards = new Dictionary<Tile, (float[], TileCells)>();
        foreach (var shard in map.Shards)
        {
            var tile = map.Tiling.ParseId(shard.Tile);
            var (columns, cells) = map.ReadGridShard(tile, shard);
            shards[tile] = (columns.Embeddings, cells);
        }
        var lookup = new GridLookup(grid, map.Tiling, dim);
        int chunk = Math.Min(points, (int)Math.Max(1, (64L << 20) / dim));
        var values = new float[(long)chunk * dim];
        var distance = new double[chunk];
        var process = Process.GetCurrentProcess();
        // Points per second of wall time, and per second of this process's CPU time (what a loaded machine leaves it).
        (double Wall, double Cpu) Core(LookupMethod method)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            for (int start = 0; start < points; start += chunk)
            {
                int n = Math.Min(chunk, points - start);
                lookup.Run(lon.AsMemory(start, n), lat.AsMemory(start, n), method, t => shards[t], values.AsMemory(0, n * dim), distance.AsMemory(0, n));
            }
            double wall = sw.Elapsed.TotalSeconds;
            process.Refresh();
            return (points / wall, points / (process.TotalProcessorTime - cpu).TotalSeconds);
        }
        Core(LookupMethod.Nearest); // warm-up (JIT)
        var (nearest, nearestCpu) = Core(LookupMethod.Nearest);
        var (bilinear, bilinearCpu) = Core(LookupMethod.Bilinear);
        shards.Clear();

        string arrow = Path.Combine(folder, "lookup.arrow");
        process.Refresh();
        var e2eCpu = process.TotalProcessorTime;
        var e2e = Stopwatch.StartNew();
        using (var writer = new EmbeddingArrowWriter(arrow, dim, EmbeddingPrecision.Float32, map.Identities(), [MapLookup.DistanceColumn]))
        {
            MapLookup.Run(map, [new PointSet(lon, lat)], LookupMethod.Nearest, writer);
            writer.Commit();
        }
        double endToEnd = points / e2e.Elapsed.TotalSeconds;
        process.Refresh();
        double endToEndCpu = points / (process.TotalProcessorTime - e2eCpu).TotalSeconds;
        File.Delete(arrow);

        string tif = Path.Combine(folder, "map.tif");
        process.Refresh();
        var cogCpu = process.TotalProcessorTime;
        var cog = Stopwatch.StartNew();
        CogSummary summary;
        using (var stream = File.Create(tif)) summary = CogExport.Write(map, CogSampleType.Float32, stream);
        double cogSeconds = cog.Elapsed.TotalSeconds;
        process.Refresh();
        double cogCpuSeconds = (process.TotalProcessorTime - cogCpu).TotalSeconds;
        process.Refresh();
        double peak = process.PeakWorkingSet64 / 1048576.0;

        output.WriteLine($"map tools on {dest}: {grid.Degrees}-degree grid, {map.Manifest.TotalRows:N0} rows x {dim}, {map.Shards.Count} shards");
        output.WriteLine();
        output.WriteLine("| measurement | result |");
        output.WriteLine("|---|---|");
        output.WriteLine($"| lookup core, nearest ({points:N0} random points, shards decoded) | {nearest:N0} points/s ({nearestCpu:N0} per CPU-second) |");
        output.WriteLine($"| lookup core, bilinear | {bilinear:N0} points/s ({bilinearCpu:N0} per CPU-second) |");
        output.WriteLine($"| lookup end to end, nearest (shards read, Arrow written) | {endToEnd:N0} points/s ({endToEndCpu:N0} per CPU-second) |");
        output.WriteLine($"| export --format cog float32 ({grid.LonCells} x {grid.LatCells} x {dim}, {summary.OverviewLevels} overview levels) | {cogSeconds:F1} s ({cogCpuSeconds:F1} CPU-s), {summary.Bytes / 1048576.0:N0} MiB |");
        output.WriteLine($"| peak working set of this process (all of the above) | {peak:N0} MiB |");
        return new Report(dest, grid.Degrees, dim, map.Manifest.TotalRows, points, nearest, bilinear, endToEnd, cogSeconds, summary.Bytes, peak);
    }
}
